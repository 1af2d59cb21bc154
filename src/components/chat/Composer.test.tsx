import { act, fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ChatShell } from "../shell/ChatShell.tsx";
import { Composer, ESTIMATE_PAUSE_MS, LONG_DRAFT_CHARS } from "./Composer.tsx";

// The painted frame (ChatShell) is on screen while the live chat loads; whatever is typed there
// must survive the swap, and its Send must wait instead of swallowing the press.
const box = () => screen.getByRole("textbox", { name: "Message" }) as HTMLTextAreaElement;

describe("Composer before and after the live chat arrives", () => {
  it("keeps what was typed in the painted frame and sends it from the live composer", async () => {
    const user = userEvent.setup();
    const frame = render(<ChatShell />);
    await user.type(screen.getByRole("textbox", { name: "Message" }), "typed early");
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);
    frame.unmount();

    const onSend = vi.fn(() => true);
    const live = render(<Composer busy={false} onSend={onSend} onStop={() => {}} />);
    expect(box().value).toBe("typed early");
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(onSend).toHaveBeenCalledWith("typed early", []);
    expect(box().value).toBe("");
    live.unmount();

    // Taken once: the next conversation's composer starts empty.
    render(<Composer busy={false} onSend={onSend} onStop={() => {}} />);
    expect(box().value).toBe("");
  });
});

describe("the footer's estimate under the composer", () => {
  const renderWithFooter = () => {
    const footer = vi.fn((text: string) => <span data-testid="estimate">{text.length} characters</span>);
    render(<Composer busy={false} onSend={() => true} onStop={() => {}} footer={footer} />);
    return () => screen.getByTestId("estimate").textContent;
  };

  it("follows a short draft at every key", async () => {
    const user = userEvent.setup();
    const shown = renderWithFooter();
    await user.type(box(), "hello");
    expect(shown()).toBe("5 characters");
  });

  it("follows a long draft once typing pauses, not at every key", async () => {
    vi.useFakeTimers();
    try {
      const shown = renderWithFooter();
      const pasted = "x".repeat(LONG_DRAFT_CHARS + 1);
      fireEvent.change(box(), { target: { value: pasted } });
      await act(() => vi.advanceTimersByTime(ESTIMATE_PAUSE_MS));
      expect(shown()).toBe(`${pasted.length} characters`);

      // Keys in quick succession: the estimate stays on the draft as it was at the last pause...
      for (const key of "abc") {
        fireEvent.change(box(), { target: { value: box().value + key } });
        await act(() => vi.advanceTimersByTime(ESTIMATE_PAUSE_MS / 5));
      }
      expect(box().value.length).toBe(pasted.length + 3);
      expect(shown()).toBe(`${pasted.length} characters`);
      // ...and catches up once typing stops.
      await act(() => vi.advanceTimersByTime(ESTIMATE_PAUSE_MS));
      expect(shown()).toBe(`${pasted.length + 3} characters`);
    } finally {
      vi.useRealTimers();
    }
  });
});
