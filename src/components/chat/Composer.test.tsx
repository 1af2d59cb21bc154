import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ChatShell } from "../shell/ChatShell.tsx";
import { Composer } from "./Composer.tsx";

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
