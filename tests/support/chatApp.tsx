import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http } from "msw";
import type { SetupServer } from "msw/node";
import type { ReactNode } from "react";
import { expect } from "vitest";
import { ChatApp } from "@/src/components/shell/ChatApp.tsx";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import type { Conversation } from "@/src/lib/history/schema.ts";
import { openHistoryStore } from "@/src/lib/history/store.ts";
import { ADMIN_ACCOUNT, MODELS_BODY, storeKey } from "./components.ts";

// Rendering the whole app with a saved key, for tests of the chat experience.

export interface SeenChat {
  headers: Headers;
  body: {
    model: string;
    messages: Array<{ id: string; role: string; parts: Array<{ type: string; text?: string }> }>;
  };
}

/** Answers /api/chat with the given responses in turn and records what the browser sent. */
export function serveChat(server: SetupServer, ...responses: Array<() => Response>): SeenChat[] {
  const seen: SeenChat[] = [];
  server.use(
    http.post("*/api/chat", async ({ request }) => {
      seen.push({ headers: request.headers, body: (await request.json()) as SeenChat["body"] });
      const next = responses[Math.min(seen.length - 1, responses.length - 1)];
      if (!next) throw new Error("no response configured");
      return next();
    }),
  );
  return seen;
}

export async function renderChat(
  options: { wrapper?: (children: ReactNode) => ReactNode; account?: typeof ADMIN_ACCOUNT } = {},
) {
  storeKey(options.account ?? ADMIN_ACCOUNT);
  const user = userEvent.setup();
  const app = <ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" />;
  const result = render(options.wrapper ? options.wrapper(app) : app);
  // The live chat loads lazily (the chat frame stands in until then); its badge says it is there.
  await screen.findByText(/^(API Key|OpenRouter)$/);
  const picker = screen.getByRole("combobox", { name: "Model" }) as HTMLInputElement;
  await waitFor(() => expect(picker.value).toBe(MODELS_BODY.defaultModel));
  const input = (await screen.findByLabelText("Message")) as HTMLTextAreaElement;
  return { user, input, picker, ...result };
}

export async function ask(user: ReturnType<typeof userEvent.setup>, text: string) {
  await user.click(screen.getByLabelText("Message"));
  await user.keyboard(text);
  await user.click(screen.getByRole("button", { name: "Send" }));
}

export function conversationLog(): HTMLElement {
  return screen.getByRole("log", { name: "Conversation" });
}

export function textMessage(
  id: string,
  role: "user" | "assistant",
  text: string,
  metadata?: ChatMessage["metadata"],
): ChatMessage {
  return { id, role, parts: [{ type: "text", text }], ...(metadata ? { metadata } : {}) };
}

export function storedConversation(
  id: string,
  title: string,
  updatedAt: number,
  messages: ChatMessage[] = [textMessage(`${id}-q`, "user", title)],
): Conversation {
  return { id, title, createdAt: updatedAt, updatedAt, messages };
}

/** Conversations an earlier visit left in IndexedDB. */
export async function seedConversations(conversations: Conversation[]): Promise<void> {
  const store = await openHistoryStore();
  await store.putMany(conversations);
}

export async function storedConversations(): Promise<Conversation[]> {
  return (await (await openHistoryStore()).getAll()).sort((a, b) => b.updatedAt - a.updatedAt);
}
