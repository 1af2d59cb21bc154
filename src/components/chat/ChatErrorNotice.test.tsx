import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { appError, toErrorView } from "@/src/lib/errors.ts";
import { ChatErrorNotice } from "./ChatErrorNotice.tsx";

const noop = () => {};

describe("a 402 with a quota reset time", () => {
  it("says when the quota resets, beside Chutes' own message", () => {
    const resetsAt = new Date(Date.now() + 3 * 3_600_000 + 60_000).toISOString();
    const view = toErrorView(
      new Error(JSON.stringify({ error: { ...appError("payment_required", "Quota exceeded."), resetsAt } })),
    );
    render(
      <ChatErrorNotice view={view} onOpenSetup={noop} onRetry={noop} onPickModel={noop} onDismiss={noop} />,
    );
    expect(screen.getByText("Quota exceeded.")).toBeTruthy();
    expect(screen.getByTestId("quota-reset").textContent).toMatch(
      /^Your daily quota resets .* \(in about 3 h\)\.$/,
    );
  });

  it("says nothing about a reset when Chutes gave none", () => {
    const view = toErrorView(
      new Error(JSON.stringify({ error: appError("payment_required", "No balance.") })),
    );
    render(
      <ChatErrorNotice view={view} onOpenSetup={noop} onRetry={noop} onPickModel={noop} onDismiss={noop} />,
    );
    expect(screen.queryByTestId("quota-reset")).toBeNull();
  });
});
