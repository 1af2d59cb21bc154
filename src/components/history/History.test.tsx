import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toJson } from "@/src/lib/history/exportFormat.ts";
import {
  ask,
  conversationLog,
  renderChat,
  seedConversations,
  serveChat,
  storedConversation,
  storedConversations,
  textMessage,
} from "@/tests/support/chatApp.tsx";
import { answerResponse, freshBrowserStorage, setupTestServer } from "@/tests/support/components.ts";

const { server } = setupTestServer();
beforeEach(freshBrowserStorage);
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function sidebar(): HTMLElement {
  return screen.getByRole("navigation", { name: "Conversations" });
}

function sidebarTitles(): string[] {
  return within(sidebar())
    .queryAllByRole("listitem")
    .map((li) => li.querySelector("button")?.textContent ?? "");
}

/** Captures what a download would save, instead of navigating to a blob URL. */
function captureDownloads() {
  const files: Array<{ name: string; type: string; text: Promise<string> }> = [];
  const blobs = new Map<string, Blob>();
  URL.createObjectURL = vi.fn((blob: Blob) => {
    const url = `blob:test/${blobs.size}`;
    blobs.set(url, blob);
    return url;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href);
    if (blob) files.push({ name: this.download, type: blob.type, text: blob.text() });
  });
  return files;
}

describe("conversation history", () => {
  it("groups conversations by date, newest first (fixed clock)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const now = new Date(2026, 2, 18, 15, 0);
    vi.setSystemTime(now);
    const at = (month: number, day: number, hour = 12) => new Date(2026, month, day, hour).getTime();
    await seedConversations([
      storedConversation("a", "This morning", at(2, 18, 9)),
      storedConversation("b", "Last night", at(2, 17, 22)),
      storedConversation("c", "Monday", at(2, 16)),
      storedConversation("d", "Three weeks ago", at(1, 25)),
      storedConversation("e", "Last year", at(0, 2) - 365 * 86_400_000),
      storedConversation("f", "Just now", at(2, 18, 14)),
    ]);
    await renderChat();
    await waitFor(() => expect(sidebarTitles()).toHaveLength(6));
    const groups = within(sidebar())
      .getAllByRole("heading", { level: 2 })
      .map((h) => [
        h.textContent,
        within(h.closest("section")!)
          .getAllByRole("listitem")
          .map((li) => li.querySelector("button")?.textContent),
      ]);
    expect(groups).toEqual([
      ["Today", ["Just now", "This morning"]],
      ["Yesterday", ["Last night"]],
      ["Previous 7 days", ["Monday"]],
      ["Previous 30 days", ["Three weeks ago"]],
      ["Older", ["Last year"]],
    ]);
    expect(screen.getAllByText("Conversations are stored only in this browser.").length).toBeGreaterThan(0);
  });

  it("saves a new conversation with an automatic title from the first message, and reopens it after a reload", async () => {
    serveChat(server, () => answerResponse("Lima is the capital."));
    const first = await renderChat();
    await ask(
      first.user,
      "What is the capital of Peru? I keep forgetting it and would like to know for sure",
    );
    await within(conversationLog()).findByText("Lima is the capital.");

    const title = "What is the capital of Peru? I keep forgetting it and would…";
    await waitFor(() => expect(sidebarTitles()).toEqual([title]));
    await waitFor(async () => {
      const [stored] = await storedConversations();
      expect(stored?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    });
    const [stored] = await storedConversations();
    expect(stored?.title).toBe(title);

    // A reload in the same tab comes back to the same conversation.
    first.unmount();
    await renderChat();
    expect(await within(conversationLog()).findByText("Lima is the capital.")).toBeTruthy();
    expect(within(sidebar()).getByRole("button", { name: title }).getAttribute("aria-current")).toBe("page");
  });

  it("opens a stored conversation and starts a new chat", async () => {
    await seedConversations([
      storedConversation("old", "Rivers", Date.now() - 1000, [
        textMessage("q", "user", "Longest river?"),
        textMessage("a", "assistant", "The Nile."),
      ]),
    ]);
    const { user } = await renderChat();
    await user.click(await within(sidebar()).findByRole("button", { name: "Rivers" }));
    expect(await within(conversationLog()).findByText("The Nile.")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Message"));

    await user.click(within(sidebar()).getByRole("button", { name: "New chat" }));
    await waitFor(() => expect(within(conversationLog()).queryByText("The Nile.")).toBeNull());
    expect(within(sidebar()).getByRole("button", { name: "Rivers" }).getAttribute("aria-current")).toBeNull();
  });

  it("renames a conversation", async () => {
    await seedConversations([storedConversation("r", "Old name", Date.now())]);
    const { user } = await renderChat();
    await user.click(await within(sidebar()).findByRole("button", { name: "Actions for Old name" }));
    await user.click(within(sidebar()).getByRole("button", { name: "Rename" }));
    const input = within(sidebar()).getByLabelText("Conversation title");
    await user.clear(input);
    await user.keyboard("Better name{Enter}");
    expect(await within(sidebar()).findByRole("button", { name: "Better name" })).toBeTruthy();
    await waitFor(async () => expect((await storedConversations())[0]?.title).toBe("Better name"));
  });

  it("deletes a conversation with Undo", async () => {
    await seedConversations([
      storedConversation("keep", "Keep me", Date.now() - 10),
      storedConversation("gone", "Delete me", Date.now()),
    ]);
    const { user } = await renderChat();
    await user.click(await within(sidebar()).findByRole("button", { name: "Actions for Delete me" }));
    await user.click(within(sidebar()).getByRole("button", { name: "Delete" }));

    await waitFor(() => expect(sidebarTitles()).toEqual(["Keep me"]));
    await waitFor(async () => expect((await storedConversations()).map((c) => c.id)).toEqual(["keep"]));
    const toast = screen.getByText("Deleted “Delete me”").closest("[role=status]") as HTMLElement;
    await user.click(within(toast).getByRole("button", { name: "Undo" }));

    await waitFor(() => expect(sidebarTitles()).toEqual(["Delete me", "Keep me"]));
    await waitFor(async () =>
      expect((await storedConversations()).map((c) => c.id)).toEqual(["gone", "keep"]),
    );
    expect(screen.queryByRole("button", { name: "Undo" })).toBeNull();
  });

  it("offers Undo for about 6 seconds", async () => {
    await seedConversations([storedConversation("gone", "Delete me", Date.now())]);
    const { user } = await renderChat();
    await user.click(await within(sidebar()).findByRole("button", { name: "Actions for Delete me" }));
    vi.useFakeTimers({ shouldAdvanceTime: true });
    await user.click(within(sidebar()).getByRole("button", { name: "Delete" }));
    // Move the pointer away: hovering the toast pauses it.
    await user.unhover(screen.getByRole("button", { name: "Undo" }));
    (document.activeElement as HTMLElement | null)?.blur();
    expect(screen.getByRole("button", { name: "Undo" })).toBeTruthy();
    act(() => vi.advanceTimersByTime(5000));
    expect(screen.getByRole("button", { name: "Undo" })).toBeTruthy();
    act(() => vi.advanceTimersByTime(1500));
    expect(screen.queryByRole("button", { name: "Undo" })).toBeNull();
  });
});

describe("search (Ctrl/Cmd+K)", () => {
  it("finds a conversation by a word in one of its messages and opens it with Enter", async () => {
    await seedConversations([
      storedConversation("a", "Cooking", Date.now() - 100, [
        textMessage("a1", "user", "How long to boil an egg?"),
        textMessage("a2", "assistant", "About nine minutes, then cool it in cold water."),
      ]),
      storedConversation("b", "Rivers", Date.now(), [textMessage("b1", "user", "Longest river?")]),
    ]);
    const { user } = await renderChat();
    await within(sidebar()).findByRole("button", { name: "Rivers" });

    await user.keyboard("{Control>}k{/Control}");
    const dialog = await screen.findByRole("dialog", { name: "Search conversations" });
    const box = within(dialog).getByRole("combobox", { name: "Search conversations" });
    expect(document.activeElement).toBe(box);
    await user.keyboard("cold water");
    const results = await within(dialog).findAllByRole("option");
    expect(results).toHaveLength(1);
    expect(results[0]?.textContent).toContain("Cooking");
    expect(results[0]?.textContent).toContain("cool it in cold water");

    await user.keyboard("{Enter}");
    expect(screen.queryByRole("dialog", { name: "Search conversations" })).toBeNull();
    expect(
      await within(conversationLog()).findByText("About nine minutes, then cool it in cold water."),
    ).toBeTruthy();
  });

  it("matches titles too, moves with the arrow keys, and Esc closes it", async () => {
    await seedConversations([
      storedConversation("a", "Peru trip", Date.now() - 100),
      storedConversation("b", "Peru food", Date.now()),
    ]);
    const { user } = await renderChat();
    await within(sidebar()).findByRole("button", { name: "Peru food" });
    await user.click(within(sidebar()).getByRole("button", { name: "Search" }));
    await user.keyboard("peru");
    const dialog = await screen.findByRole("dialog", { name: "Search conversations" });
    await waitFor(() => expect(within(dialog).getAllByRole("option")).toHaveLength(2));
    expect(within(dialog).getByRole("option", { selected: true }).textContent).toContain("Peru food");
    await user.keyboard("{ArrowDown}");
    expect(within(dialog).getByRole("option", { selected: true }).textContent).toContain("Peru trip");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog", { name: "Search conversations" })).toBeNull();
  });
});

describe("export and import", () => {
  async function openSettings(user: Awaited<ReturnType<typeof renderChat>>["user"]) {
    await user.click(screen.getByRole("button", { name: "Settings" }));
    return screen.findByRole("dialog", { name: "Settings" });
  }

  const sample = storedConversation("x1", "Exported chat", 1_700_000_000_000, [
    textMessage("q", "user", "Question?"),
    textMessage("a", "assistant", "**Answer.**", { model: "Qwen/Qwen3-32B" }),
  ]);

  it("exports all conversations as JSON and as Markdown", async () => {
    await seedConversations([sample]);
    const files = captureDownloads();
    const { user } = await renderChat();
    await within(sidebar()).findByRole("button", { name: "Exported chat" });
    const settings = await openSettings(user);
    await user.click(within(settings).getByRole("button", { name: "Export all as JSON" }));
    await user.click(within(settings).getByRole("button", { name: "Export all as Markdown" }));

    expect(files.map((f) => [f.name.replace(/\d{4}-\d\d-\d\d/, "DATE"), f.type])).toEqual([
      ["chutes-chat-conversations-DATE.json", "application/json"],
      ["chutes-chat-conversations-DATE.md", "text/markdown"],
    ]);
    const json = JSON.parse(await files[0]!.text);
    expect(json).toMatchObject({ format: "chutes-chat.conversations", version: 3, conversations: [sample] });
    const md = await files[1]!.text;
    expect(md).toContain("# Exported chat");
    expect(md).toContain("## Assistant (Qwen/Qwen3-32B)\n\n**Answer.**");
  });

  it("exports one conversation from its actions", async () => {
    await seedConversations([sample]);
    const files = captureDownloads();
    const { user } = await renderChat();
    await user.click(await within(sidebar()).findByRole("button", { name: "Actions for Exported chat" }));
    await user.click(within(sidebar()).getByRole("button", { name: "Export as Markdown" }));
    expect(files[0]?.name).toMatch(/^chutes-chat-exported-chat-\d{4}-\d\d-\d\d\.md$/);
    expect(await files[0]?.text).toContain("## You\n\nQuestion?");
  });

  it("imports an export, merging by id", async () => {
    const { user } = await renderChat();
    const settings = await openSettings(user);
    const input = within(settings).getByLabelText("Import conversations from a JSON export");
    await user.upload(input, new File([toJson([sample])], "backup.json", { type: "application/json" }));
    expect((await within(settings).findByRole("status")).textContent).toBe("Imported: 1 added.");
    expect(await within(sidebar()).findByRole("button", { name: "Exported chat" })).toBeTruthy();
    expect(await storedConversations()).toEqual([sample]);

    // The same file again changes nothing.
    await user.upload(input, new File([toJson([sample])], "backup.json", { type: "application/json" }));
    await waitFor(() =>
      expect(within(settings).getByRole("status").textContent).toBe("Imported: 0 added, 1 already here."),
    );
    expect(sidebarTitles()).toEqual(["Exported chat"]);
  });

  it.each([
    ["bad JSON", "{ this is not json", /not valid JSON/],
    ["the wrong shape", JSON.stringify({ conversations: "nope" }), /not a chutes-chat export/],
    [
      "a damaged message",
      toJson([{ ...sample, messages: [{ id: "m", role: "robot", parts: [] } as never] }]),
      /not a chutes-chat export \(at conversations\.0\.messages\.0\.role\)/,
    ],
  ])("refuses %s with a clear message and overwrites nothing", async (_label, text, message) => {
    await seedConversations([sample]);
    const { user } = await renderChat();
    await within(sidebar()).findByRole("button", { name: "Exported chat" });
    const settings = await openSettings(user);
    await user.upload(
      within(settings).getByLabelText("Import conversations from a JSON export"),
      new File([text], "bad.json", { type: "application/json" }),
    );
    expect((await within(settings).findByRole("alert")).textContent).toMatch(message);
    expect(await storedConversations()).toEqual([sample]);
    expect(sidebarTitles()).toEqual(["Exported chat"]);
  });
});

describe("storage problems", () => {
  it("says when IndexedDB is unavailable and keeps chatting in memory", async () => {
    // @ts-expect-error: a browser with IndexedDB blocked
    globalThis.indexedDB = undefined;
    serveChat(server, () => answerResponse("Still here."));
    const { user } = await renderChat();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Conversations cannot be saved in this browser");
    await ask(user, "Hello?");
    expect(await within(conversationLog()).findByText("Still here.")).toBeTruthy();
    expect(await within(sidebar()).findByRole("button", { name: "Hello?" })).toBeTruthy();
  });

  it("says when storage is full and keeps the conversation in memory", async () => {
    const { openHistoryStore } = await import("@/src/lib/history/store.ts");
    const store = await openHistoryStore();
    const quota = new DOMException("The quota has been exceeded.", "QuotaExceededError");
    vi.spyOn(IDBObjectStore.prototype, "put").mockImplementation(() => {
      throw quota;
    });
    void store;
    serveChat(server, () => answerResponse("Answer kept in memory."));
    const { user } = await renderChat();
    await ask(user, "Will this be saved?");
    expect(await within(conversationLog()).findByText("Answer kept in memory.")).toBeTruthy();
    expect((await screen.findByRole("alert")).textContent).toContain("Browser storage is full");
    expect(within(sidebar()).getByRole("button", { name: "Will this be saved?" })).toBeTruthy();
  });
});
