import { act, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { textMessage } from "@/tests/support/chatApp.tsx";
import { MessageList } from "./MessageList.tsx";
import { RenderProbeContext } from "./renderProbe.tsx";

// jsdom lays nothing out: give the list a 600 px viewport and every row 150 px, so the virtualiser
// has something to measure.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(700);
  vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockImplementation(function (this: HTMLElement) {
    return this.dataset.index === undefined ? 0 : 150;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const EXCHANGES = 100;
const messages: ChatMessage[] = Array.from({ length: EXCHANGES }, (_, i) => [
  textMessage(`q${i}`, "user", `Question ${i}`),
  textMessage(`a${i}`, "assistant", `Answer **${i}**.\n\n- one point\n- another point`),
]).flat();

describe("a long conversation", () => {
  it("opens at its end, rendering only rows near it (never the first rows, to drop them again)", async () => {
    const rendered = new Set<string>();
    // Awaited: the virtualiser's chunk loads while the list shows its last rows.
    await act(async () => {
      render(
        <RenderProbeContext value={(rowId) => rendered.add(rowId)}>
          <MessageList messages={messages} busy={false} incompleteIds={new Set()} />
        </RenderProbeContext>,
      );
    });
    const log = screen.getByRole("log", { name: "Conversation" });
    await waitFor(() => expect(within(log).getByText(`Question ${EXCHANGES - 1}`)).toBeTruthy());
    // The virtualiser loads in its own chunk; its rows carry their index.
    await waitFor(() => expect(log.querySelector("[data-index]")).not.toBeNull());
    expect(rendered.has(`a${EXCHANGES - 1}`)).toBe(true);
    // A 600 px view of 150 px rows and the overscan: a dozen rows or so, all from the end.
    const indexes = [...rendered].map((id) => Number(id.slice(1)));
    expect(rendered.size).toBeLessThan(20);
    expect(Math.min(...indexes)).toBeGreaterThan(EXCHANGES - 12);
  });
});
