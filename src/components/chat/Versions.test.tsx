import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ask,
  conversationLog,
  renderChat,
  serveChat,
  storedConversations,
} from "@/tests/support/chatApp.tsx";
import { answerResponse, freshBrowserStorage, setupTestServer } from "@/tests/support/components.ts";

const { server } = setupTestServer();
beforeEach(freshBrowserStorage);

const versionOf = (article: HTMLElement) => within(article).getByTestId("version-position").textContent;

describe("answer versions", () => {
  it("keeps the answer a regenerate replaced: ‹ 1 / 2 › switches back, and the stored copy keeps both", async () => {
    serveChat(
      server,
      () => answerResponse("First try."),
      () => answerResponse("Second try."),
    );
    const { user } = await renderChat();
    await ask(user, "Tell me");
    await within(conversationLog()).findByText("First try.");
    expect(within(conversationLog()).queryByTestId("version-position")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Regenerate" }));
    await within(conversationLog()).findByText("Second try.");

    const answer = await within(conversationLog()).findByRole("article", { name: "Assistant answer" });
    await waitFor(() => expect(versionOf(answer)).toBe("2 / 2"));
    await user.click(within(answer).getByRole("button", { name: "Previous version of this answer" }));
    expect(await within(conversationLog()).findByText("First try.")).toBeTruthy();
    expect(within(conversationLog()).queryByText("Second try.")).toBeNull();
    expect(versionOf(within(conversationLog()).getByRole("article", { name: "Assistant answer" }))).toBe(
      "1 / 2",
    );

    await waitFor(async () => {
      const [stored] = await storedConversations();
      const fork = stored?.messages[1];
      expect(fork?.parts).toEqual([expect.objectContaining({ text: "First try." })]);
      expect(fork?.metadata?.versionIndex).toBe(0);
      expect(fork?.metadata?.versions?.[0]?.[0]?.parts).toEqual([
        expect.objectContaining({ text: "Second try." }),
      ]);
    });
  });

  it("keeps the branch an edit replaced, and continuing after switching sends the shown branch", async () => {
    const seen = serveChat(
      server,
      () => answerResponse("About cats."),
      () => answerResponse("About dogs."),
      () => answerResponse("More on cats."),
    );
    const { user } = await renderChat();
    await ask(user, "Tell me about cats");
    await within(conversationLog()).findByText("About cats.");

    await user.click(within(conversationLog()).getByRole("button", { name: "Edit" }));
    const box = screen.getByRole("textbox", { name: "Edit message" });
    await user.clear(box);
    await user.keyboard("Tell me about dogs");
    await user.click(screen.getByRole("button", { name: "Save and resend" }));
    await within(conversationLog()).findByText("About dogs.");

    const question = within(conversationLog()).getByRole("article", { name: "Your message" });
    expect(versionOf(question)).toBe("2 / 2");
    await user.click(within(question).getByRole("button", { name: "Previous version of this message" }));
    expect(await within(conversationLog()).findByText("About cats.")).toBeTruthy();
    expect(within(conversationLog()).getByText("Tell me about cats")).toBeTruthy();
    expect(within(conversationLog()).queryByText("About dogs.")).toBeNull();

    await ask(user, "More please");
    await within(conversationLog()).findByText("More on cats.");
    const sent = seen[2]?.body.messages ?? [];
    expect(sent.map((m) => m.parts[0]?.text)).toEqual(["Tell me about cats", "About cats.", "More please"]);
    // The kept versions stay in the browser.
    expect(JSON.stringify(sent)).not.toContain("dogs");
  });
});
