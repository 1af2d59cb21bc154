import { act, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { textMessage } from "@/tests/support/chatApp.tsx";
import { MessageList } from "./MessageList.tsx";

// The virtualiser's chunk cannot be fetched (offline, or a deployment replaced the build).
vi.mock("./VirtualRows.tsx", () => {
  throw new Error("Failed to fetch dynamically imported module");
});

const messages: ChatMessage[] = Array.from({ length: 40 }, (_, i) => [
  textMessage(`q${i}`, "user", `Question ${i}`),
  textMessage(`a${i}`, "assistant", `Answer ${i}`),
]).flat();

describe("a long conversation without its virtualiser", () => {
  it("shows every row, from the first, instead of only its last ones", async () => {
    await act(async () => {
      render(<MessageList messages={messages} busy={false} incompleteIds={new Set()} />);
    });
    const log = screen.getByRole("log", { name: "Conversation" });
    expect(await within(log).findByText("Question 0")).toBeTruthy();
    expect(within(log).getByText("Answer 39")).toBeTruthy();
    expect(within(log).getAllByRole("article")).toHaveLength(80);
  });
});
