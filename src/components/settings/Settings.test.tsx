import { act, screen, waitFor, within } from "@testing-library/react";
import { HttpResponse, http } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { API_KEY_STORAGE_KEY } from "@/src/lib/chutesAuth.ts";
import {
  ask,
  conversationLog,
  renderChat,
  seedConversations,
  serveChat,
  storedConversation,
  storedConversations,
} from "@/tests/support/chatApp.tsx";
import {
  controlledAnswer,
  freshBrowserStorage,
  SCOPED_ACCOUNT,
  setupTestServer,
} from "@/tests/support/components.ts";
import { MODEL_STORAGE_KEY } from "../models/useModelChoice.ts";
import { THEME_SCRIPT, THEME_STORAGE_KEY } from "../theme/theme.ts";

const { server } = setupTestServer();
beforeEach(() => {
  freshBrowserStorage();
  document.documentElement.className = "";
});

async function openSettings(user: Awaited<ReturnType<typeof renderChat>>["user"]) {
  await user.click(screen.getByRole("button", { name: "Settings" }));
  return screen.findByRole("dialog", { name: "Settings" });
}

describe("settings", () => {
  it("shows the provider, the auth method, the masked key and the balance of an admin key", async () => {
    const { user } = await renderChat();
    const settings = await openSettings(user);
    expect(within(settings).getByText("Chutes · API key")).toBeTruthy();
    // Once, inside the Connection list, next to its label.
    expect(within(settings).getByTestId("account-balance").textContent).toBe("$12.50");
    expect(within(settings).getByTestId("account-balance").previousElementSibling?.textContent).toBe(
      "Balance",
    );
    expect(within(settings).getAllByText(/\$12\.50/)).toHaveLength(1);
    expect(within(settings).getByText(/^cpk_…/)).toBeTruthy();
    expect(within(settings).getByRole("button", { name: "Remove key" })).toBeTruthy();
    expect(within(settings).getByRole("button", { name: "Advanced options" })).toBeTruthy();
  });

  it("explains why a scoped key shows no balance", async () => {
    const { user } = await renderChat({ account: SCOPED_ACCOUNT });
    const settings = await openSettings(user);
    expect(within(settings).getByText("Chutes · scoped API key")).toBeTruthy();
    expect(
      within(settings).getByText("Chutes does not let scoped keys read the account balance."),
    ).toBeTruthy();
  });

  it("switches the theme, applies the dark class and remembers it", async () => {
    const { user } = await renderChat();
    const settings = await openSettings(user);
    const theme = within(settings).getByRole("group", { name: "Theme" });
    expect((within(theme).getByRole("radio", { name: "System" }) as HTMLInputElement).checked).toBe(true);

    await user.click(within(theme).getByRole("radio", { name: "Dark" }));
    expect(document.documentElement.classList.contains("dark")).toBe(true);
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");

    await user.click(within(theme).getByRole("radio", { name: "Light" }));
    expect(document.documentElement.classList.contains("dark")).toBe(false);
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("light");

    await user.click(within(theme).getByRole("radio", { name: "System" }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
  });

  it("applies a stored dark theme before React runs (the inline script)", () => {
    localStorage.setItem(THEME_STORAGE_KEY, "dark");
    // jsdom has no matchMedia; the script must still work where the stored choice decides.
    // biome-ignore lint/security/noGlobalEval: runs the exact inline script the layout ships.
    globalThis.eval(THEME_SCRIPT.replace('matchMedia("(prefers-color-scheme: dark)").matches', "false"));
    expect(document.documentElement.classList.contains("dark")).toBe(true);
    expect(document.documentElement.style.colorScheme).toBe("dark");
  });

  it("shows the knowledge base status when the server reports it", async () => {
    server.use(
      http.get("*/api/rag/status", () =>
        HttpResponse.json({
          available: true,
          documents: 12,
          chunks: 3456,
          embeddedChunks: 3456,
          embeddingModel: "Qwen/Qwen3-Embedding-0.6B",
          dimensions: 1024,
          lastIngestAt: "2026-03-01T10:00:00.000Z",
        }),
      ),
    );
    const { user } = await renderChat();
    const settings = await openSettings(user);
    const section = within(settings).getByRole("region", { name: "Knowledge base" });
    expect(await within(section).findByText("3,456")).toBeTruthy();
    expect(within(section).getByText("12")).toBeTruthy();
    expect(within(section).getByText("Qwen/Qwen3-Embedding-0.6B")).toBeTruthy();
  });

  it.each([
    [
      "answers 404",
      () => HttpResponse.json({ error: { code: "invalid_request", message: "no" } }, { status: 404 }),
    ],
    ["fails", () => HttpResponse.error()],
    ["answers nonsense", () => HttpResponse.json({ hello: 1 })],
  ])("says the knowledge base status is unavailable when the route %s", async (_label, reply) => {
    server.use(http.get("*/api/rag/status", reply));
    const { user } = await renderChat();
    const settings = await openSettings(user);
    expect(await within(settings).findByText("Knowledge base status unavailable")).toBeTruthy();
  });

  it("deletes all local data only after confirmation", async () => {
    await seedConversations([storedConversation("c", "Private chat", Date.now())]);
    const { user } = await renderChat();
    localStorage.setItem(MODEL_STORAGE_KEY, "Qwen/Qwen3-32B");
    localStorage.setItem(THEME_STORAGE_KEY, "dark");
    await screen.findByRole("button", { name: "Private chat" });
    const settings = await openSettings(user);
    expect(within(settings).getByText(/Conversations are stored only in this browser\./)).toBeTruthy();

    await user.click(within(settings).getByRole("button", { name: "Delete all local data" }));
    await user.click(within(settings).getByRole("button", { name: "Cancel" }));
    expect(await storedConversations()).toHaveLength(1);
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).not.toBeNull();

    await user.click(within(settings).getByRole("button", { name: "Delete all local data" }));
    await user.click(within(settings).getByRole("button", { name: "Yes, delete everything" }));

    expect(await screen.findByRole("heading", { name: "Connect to Chutes" })).toBeTruthy();
    expect(await storedConversations()).toEqual([]);
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
    expect(localStorage.getItem(MODEL_STORAGE_KEY)).toBeNull();
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
    expect(document.documentElement.classList.contains("dark")).toBe(false);
  });

  it("is a modal dialog that closes with Esc and gives focus back to the Settings button", async () => {
    const { user } = await renderChat();
    const button = screen.getByRole("button", { name: "Settings" });
    await openSettings(user);
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close settings" }));
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog", { name: "Settings" })).toBeNull();
    expect(document.activeElement).toBe(button);
  });
});

describe("keyboard shortcuts", () => {
  it("opens the shortcuts help with ? outside text fields, and from its button", async () => {
    const { user, input } = await renderChat();
    await user.click(input);
    await user.keyboard("?");
    expect(input.value).toBe("?");
    expect(screen.queryByRole("dialog", { name: "Keyboard shortcuts" })).toBeNull();

    input.blur();
    await user.keyboard("?");
    const dialog = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    for (const text of ["Enter", "Shift + Enter", "Esc", "Ctrl + K", "Ctrl + Shift + O"])
      expect(within(dialog).getByText(text)).toBeTruthy();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Keyboard shortcuts" }));
    expect(screen.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeTruthy();
  });

  it("starts a new chat with Ctrl+Shift+O and focuses the message box", async () => {
    await seedConversations([storedConversation("c", "Earlier", Date.now())]);
    const { user } = await renderChat();
    await user.click(await screen.findByRole("button", { name: "Earlier" }));
    expect(await within(conversationLog()).findByText("Earlier")).toBeTruthy();
    document.body.focus();
    await user.keyboard("{Control>}{Shift>}O{/Shift}{/Control}");
    await waitFor(() => expect(within(conversationLog()).queryByText("Earlier")).toBeNull());
    expect(document.activeElement).toBe(screen.getByLabelText("Message"));
  });

  it("stops a streaming answer with Esc", async () => {
    const answer = controlledAnswer();
    serveChat(server, answer.response);
    const { user } = await renderChat();
    await ask(user, "Tell me a long story");
    act(() => {
      answer.write({ type: "start" });
      answer.write({ type: "text-start", id: "t" });
      answer.write({ type: "text-delta", id: "t", delta: "Once upon a time" });
    });
    await within(conversationLog()).findByText("Once upon a time");
    expect(screen.getByRole("button", { name: "Stop" })).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("button", { name: "Stop" })).toBeNull());
    expect(within(conversationLog()).getByText("Once upon a time")).toBeTruthy();
    await waitFor(async () => expect((await storedConversations())[0]?.messages).toHaveLength(2));
  });
});
