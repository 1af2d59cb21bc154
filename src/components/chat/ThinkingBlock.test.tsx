import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { MessageBubble } from "./MessageBubble.tsx";

function thinkingAnswer(
  state: "streaming" | "done",
  text: string,
  metadata?: ChatMessage["metadata"],
): ChatMessage {
  return {
    id: "a1",
    role: "assistant",
    parts: [
      { type: "reasoning", text: "First I weigh the options.", state },
      ...(text ? [{ type: "text" as const, text, state: "done" as const }] : []),
    ],
    ...(metadata ? { metadata } : {}),
  };
}

const block = () => screen.getByTestId("thinking") as HTMLDetailsElement;

describe("the thinking block", () => {
  it("is open and says Thinking… while the model thinks", () => {
    render(<MessageBubble message={thinkingAnswer("streaming", "")} streaming />);
    expect(block().open).toBe(true);
    expect(within(block()).getByText("Thinking…")).toBeTruthy();
    expect(within(block()).getByText("First I weigh the options.")).toBeTruthy();
  });

  it("collapses to how long it thought and its token count, with the answer below", async () => {
    render(
      <MessageBubble
        message={thinkingAnswer("done", "\n\nThe answer.", {
          reasoningMs: 3400,
          usage: { inputTokens: 10, outputTokens: 60, reasoningTokens: 42 },
        })}
      />,
    );
    expect(block().open).toBe(false);
    expect(block().querySelector("summary")?.textContent).toBe("Thought for 3 s · 42 tokens");
    const article = screen.getByRole("article", { name: "Assistant answer" });
    await waitFor(() => expect(article.querySelector(".markdown")?.textContent).toBe("The answer."));
    await userEvent.click(within(block()).getByText(/Thought for/));
    expect(block().open).toBe(true);
  });

  it("estimates the tokens when the usage did not count them (inline <think> tags)", () => {
    render(<MessageBubble message={thinkingAnswer("done", "Yes.", { reasoningMs: 200 })} />);
    // "First I weigh the options." is 26 characters: about 7 tokens.
    expect(block().querySelector("summary")?.textContent).toBe("Thought for less than a second · ~7 tokens");
  });

  it("says so when the model stopped while thinking", () => {
    render(<MessageBubble message={thinkingAnswer("done", "")} />);
    expect(screen.getByTestId("no-answer").textContent).toMatch(/stopped while thinking/);
  });
});
