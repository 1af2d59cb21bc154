import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse, http } from "msw";
import { renderToString } from "react-dom/server";
import { beforeEach, describe, expect, it } from "vitest";
import { API_KEY_HEADER, API_KEY_STORAGE_KEY } from "@/src/lib/chutesAuth.ts";
import { CHUTES_TOP_UP_URL } from "@/src/lib/errors.ts";
import {
  ADMIN_ACCOUNT,
  answerResponse,
  brokenAnswerResponse,
  controlledAnswer,
  deferred,
  errorBody,
  freshBrowserStorage,
  MODELS_BODY,
  setupTestServer,
  storeKey,
  VALID_KEY,
} from "@/tests/support/components.ts";
import { MODEL_STORAGE_KEY } from "../models/useModelChoice.ts";
import { ChatApp } from "./ChatApp.tsx";
import { writeConnectionHint } from "./connectionHint.ts";

const { server, requests } = setupTestServer();
beforeEach(freshBrowserStorage);

const chatRoute = "*/api/chat";

interface SeenChat {
  headers: Headers;
  body: { model: string; messages: Array<{ role: string; parts: Array<{ type: string; text?: string }> }> };
  raw: string;
}

/** Answers /api/chat with the given responses in turn and records what the browser sent. */
function serveChat(...responses: Array<() => Response>) {
  const seen: SeenChat[] = [];
  server.use(
    http.post(chatRoute, async ({ request }) => {
      const raw = await request.text();
      seen.push({ headers: request.headers, body: JSON.parse(raw), raw });
      const next = responses[Math.min(seen.length - 1, responses.length - 1)];
      if (!next) throw new Error("no response configured");
      return next();
    }),
  );
  return seen;
}

async function renderChat() {
  storeKey(ADMIN_ACCOUNT);
  const user = userEvent.setup();
  render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" />);
  // The live chat loads lazily (the chat frame stands in until then); its badge says it is there.
  await screen.findByText(/^(API Key|OpenRouter)$/);
  const picker = screen.getByRole("combobox", { name: "Model" }) as HTMLInputElement;
  // The model list has arrived once the server default is shown.
  await waitFor(() => expect(picker.value).toBe(MODELS_BODY.defaultModel));
  const input = screen.getByLabelText("Message") as HTMLTextAreaElement;
  return { user, input, picker };
}

async function ask(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, text: string) {
  await user.click(input);
  await user.keyboard(text);
  await user.click(screen.getByRole("button", { name: "Send" }));
}

function conversation(): HTMLElement {
  return screen.getByRole("log", { name: "Conversation" });
}

describe("ChatApp screens", () => {
  it("server-renders the setup screen for a new browser, with a message for no JavaScript", () => {
    const html = renderToString(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" oauthEnabled />);
    expect(html).toContain("Connect to Chutes");
    expect(html).toContain("Sign in with Chutes");
    expect(html).not.toContain('aria-label="Message"');
    expect(html).toMatch(/<noscript>.*chutes-chat needs JavaScript/s);
  });

  it("server-renders the chat frame for a returning browser, never the setup screen", () => {
    const html = renderToString(
      <ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" oauthEnabled firstScreen="chat" />,
    );
    expect(html).not.toContain("Connect to Chutes");
    expect(html).toContain("chutes-chat</h1>");
    expect(html).toMatch(/<textarea[^>]*id="[^"]*"/);
    expect(html).toContain(">Settings</button>");
  });

  it("replaces the chat frame with the live chat in place once the key is read", async () => {
    storeKey(ADMIN_ACCOUNT);
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" firstScreen="chat" />);
    expect(await screen.findByText("API Key")).toBeTruthy();
    expect(screen.getByRole("log", { name: "Conversation" })).toBeTruthy();
    expect(screen.queryByText("Connect to Chutes")).toBeNull();
  });

  it("keeps the server-painted chat frame it hydrated until the live chat replaces it", async () => {
    storeKey(ADMIN_ACCOUNT);
    const app = <ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" firstScreen="chat" />;
    const container = document.createElement("div");
    container.innerHTML = renderToString(app);
    document.body.append(container);
    const painted = container.querySelector("textarea");
    // Every message box put into the page after the server's: a fresh copy of the frame in between
    // would be one more (and would drop the focus of someone already in the box).
    const added: Element[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes)
          if (node instanceof Element) added.push(...node.querySelectorAll("textarea"));
    });
    observer.observe(container, { childList: true, subtree: true });
    render(app, { container, hydrate: true });

    expect(await screen.findByText("API Key")).toBeTruthy();
    observer.disconnect();
    expect(painted?.isConnected).toBe(false);
    expect(added).toHaveLength(1);
    expect(added[0]).toBe(screen.getByLabelText("Message"));
  });

  it("shows setup when the hint said chat but this browser has no credential any more", async () => {
    writeConnectionHint("key");
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" firstScreen="chat" hint="key" />);
    expect(await screen.findByRole("heading", { name: "Connect to Chutes" })).toBeTruthy();
    expect(document.cookie).not.toContain("chutes-chat-hint");
  });

  it("shows provider setup and no chat when there is no credential", () => {
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" />);
    expect(screen.getByRole("heading", { name: "Connect to Chutes" })).toBeTruthy();
    expect(screen.getByLabelText("Chutes API key")).toBeTruthy();
    expect(screen.queryByLabelText("Message")).toBeNull();
    expect(screen.queryByText("API Key")).toBeNull();
  });

  it("goes from setup to chat after a key is validated, and says who is connected", async () => {
    server.use(
      http.post("*/api/auth/chutes/validate-key", () =>
        HttpResponse.json({ valid: true, account: ADMIN_ACCOUNT }),
      ),
    );
    const user = userEvent.setup();
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" />);
    await user.click(screen.getByLabelText("Chutes API key"));
    await user.paste(VALID_KEY);
    await user.click(screen.getByRole("button", { name: "Validate and save" }));

    expect(await screen.findByText("API Key")).toBeTruthy();
    expect(
      (await screen.findByText("Connected as alice, balance $12.50")).closest("[role=status]"),
    ).toBeTruthy();
    expect(screen.getByLabelText("Message")).toBeTruthy();
  });

  it("says who is connected when the key is saved before the Sign in with Chutes session has loaded", async () => {
    server.use(
      // The session answer is slow (a busy server): the key is checked and saved before it comes.
      http.get("*/api/auth/session", () => new Promise<Response>(() => {})),
      http.post("*/api/auth/chutes/validate-key", () =>
        HttpResponse.json({ valid: true, account: ADMIN_ACCOUNT }),
      ),
    );
    const user = userEvent.setup();
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" oauthEnabled />);
    await user.click(await screen.findByRole("button", { name: "Advanced options" }));
    await user.click(await screen.findByLabelText("Chutes API key"));
    await user.paste(VALID_KEY);
    await user.click(screen.getByRole("button", { name: "Validate and save" }));

    expect(await screen.findByText("Connected as alice, balance $12.50")).toBeTruthy();
  });

  it("shows the API Key badge with the account while chatting on a pasted key", async () => {
    await renderChat();
    const badge = screen.getByText("API Key");
    expect(badge.textContent).toBe("API Key");
    expect(screen.getByText("alice · $12.50")).toBeTruthy();
  });

  it("returns to setup after the key is removed in Settings", async () => {
    const { user } = await renderChat();
    await user.click(screen.getByRole("button", { name: "Settings" }));
    const panel = await screen.findByRole("dialog", { name: "Settings" });
    await user.click(within(panel).getByRole("button", { name: "Remove key" }));

    expect(await screen.findByRole("heading", { name: "Connect to Chutes" })).toBeTruthy();
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
    expect(screen.queryByLabelText("Message")).toBeNull();
  });

  it("closes Settings with Escape and returns focus to the Settings button", async () => {
    const { user } = await renderChat();
    const settings = screen.getByRole("button", { name: "Settings" });
    await user.click(settings);
    expect(await screen.findByRole("dialog", { name: "Settings" })).toBeTruthy();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(settings);
  });
});

describe("Model picker", () => {
  it("lists models with context, prices and a TEE badge, defaulting to the server's choice", async () => {
    const { user, picker } = await renderChat();
    await user.click(picker);
    const options = within(screen.getByRole("listbox", { name: "Models" }))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(options).toEqual([
      "deepseek-ai/DeepSeek-V3.2-TEETEEReasoning164K context · $0.25 in / $0.38 out per 1M tokens",
      "Qwen/Qwen3-32B41K context · $0.05 in / $0.20 out per 1M tokens",
    ]);
    expect(
      within(screen.getByRole("listbox", { name: "Models" })).getByRole("option", { selected: true })
        .textContent,
    ).toContain("deepseek-ai/DeepSeek-V3.2-TEE");
    expect(picker.value).toBe("deepseek-ai/DeepSeek-V3.2-TEE");
    // The list was loaded with the pasted key.
    const modelsRequest = requests.find((r) => r.url.endsWith("/api/models"));
    expect(modelsRequest?.headers.get(API_KEY_HEADER)).toBe(VALID_KEY);
  });

  it("remembers the chosen model and sends it with the next message", async () => {
    const seen = serveChat(() => answerResponse("Hi from Qwen."));
    const { user, input, picker } = await renderChat();
    await user.click(picker);
    await user.click(screen.getByRole("option", { name: /^Qwen\/Qwen3-32B/ }));
    expect(picker.value).toBe("Qwen/Qwen3-32B");
    expect(localStorage.getItem(MODEL_STORAGE_KEY)).toBe("Qwen/Qwen3-32B");

    await ask(user, input, "Hello");
    await within(conversation()).findByText("Hi from Qwen.");
    expect(seen[0]?.body.model).toBe("Qwen/Qwen3-32B");
  });

  it("starts with the remembered model on the next visit", async () => {
    localStorage.setItem(MODEL_STORAGE_KEY, "Qwen/Qwen3-32B");
    storeKey(ADMIN_ACCOUNT);
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" />);
    const picker = screen.getByRole("combobox", { name: "Model" }) as HTMLInputElement;
    await waitFor(() => expect(picker.value).toBe("Qwen/Qwen3-32B"));
  });

  it("explains a failed model list and still offers the default model", async () => {
    server.use(
      http.get("*/api/models", () =>
        HttpResponse.json(errorBody("key_rejected", "Chutes did not accept this API key."), { status: 401 }),
      ),
    );
    storeKey(ADMIN_ACCOUNT);
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" />);
    const status = await screen.findByText(/Chutes rejected your API key/);
    expect(status.closest("[role=status]")?.textContent).toContain("Chutes did not accept this API key.");
    const picker = screen.getByRole("combobox", { name: "Model" }) as HTMLInputElement;
    expect(picker.disabled).toBe(false);
    expect(picker.value).toBe("deepseek-ai/DeepSeek-V3.2-TEE");
  });

  it("holds a message sent before the list arrives until the model is known", async () => {
    const release = deferred();
    server.use(
      http.get("*/api/models", async () => {
        await release.promise;
        return HttpResponse.json({ ...MODELS_BODY, defaultModel: "Qwen/Qwen3-32B" });
      }),
    );
    const seen = serveChat(() => answerResponse("Answer."));
    storeKey(ADMIN_ACCOUNT);
    const user = userEvent.setup();
    render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" />);
    await ask(user, screen.getByLabelText("Message"), "Quick question");
    expect(within(conversation()).getByText("Quick question")).toBeTruthy();
    expect(seen).toHaveLength(0);

    release.resolve();
    await within(conversation()).findByText("Answer.");
    expect(seen[0]?.body.model).toBe("Qwen/Qwen3-32B");
  });
});

describe("Chat", () => {
  it("streams an answer, sending the key only in the x-chutes-api-key header", async () => {
    const seen = serveChat(() => answerResponse("Hello! How can I help you today?"));
    const { user, input } = await renderChat();
    await ask(user, input, "Hi there");

    const log = conversation();
    // Tokens are not announced one by one; the finished answer is, once, politely.
    expect(log.getAttribute("aria-live")).toBe("off");
    expect(within(log).getByText("Hi there")).toBeTruthy();
    expect(await within(log).findByText("Hello! How can I help you today?")).toBeTruthy();
    const announcer = await screen.findByText("Answer finished: Hello! How can I help you today?");
    expect(announcer.getAttribute("aria-live")).toBe("polite");
    expect(input.value).toBe("");
    const answers = document.querySelectorAll('[data-role="assistant"]');
    expect(answers).toHaveLength(1);
    expect(answers[0]?.textContent).toContain("Hello! How can I help you today?");

    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.headers.get(API_KEY_HEADER)).toBe(VALID_KEY);
    expect(request?.raw).not.toContain(VALID_KEY);
    expect(request?.body.model).toBe("deepseek-ai/DeepSeek-V3.2-TEE");
    expect(request?.body.messages.at(-1)?.parts).toEqual([{ type: "text", text: "Hi there" }]);
    expect(requests.every((r) => !r.url.includes("cpk_"))).toBe(true);
  });

  it("sends on Enter and inserts a newline on Shift+Enter", async () => {
    const seen = serveChat(() => answerResponse("Got both lines."));
    const { user, input } = await renderChat();
    await user.click(input);
    await user.keyboard("first line{Shift>}{Enter}{/Shift}second line");
    expect(input.value).toBe("first line\nsecond line");
    expect(seen).toHaveLength(0);

    await user.keyboard("{Enter}");
    await within(conversation()).findByText("Got both lines.");
    expect(seen[0]?.body.messages.at(-1)?.parts).toEqual([{ type: "text", text: "first line\nsecond line" }]);
    expect(input.value).toBe("");
  });

  it("does not send an empty message", async () => {
    const seen = serveChat(() => answerResponse("unused"));
    const { user, input } = await renderChat();
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(input);
    await user.keyboard("   {Enter}");
    expect(seen).toHaveLength(0);
    expect(within(conversation()).queryByRole("article")).toBeNull();
  });

  it("shows tokens as they arrive, offers Stop while streaming and keeps the partial answer after Stop", async () => {
    const answer = controlledAnswer();
    const seen = serveChat(answer.response);
    const { user, input } = await renderChat();
    await ask(user, input, "Tell me a story");

    expect(await screen.findByRole("button", { name: "Stop" })).toBeTruthy();
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);

    act(() => {
      answer.write({ type: "start" });
      answer.write({ type: "text-start", id: "t" });
      answer.write({ type: "text-delta", id: "t", delta: "Once upon " });
    });
    await within(conversation()).findByText("Once upon");
    expect(conversation().getAttribute("aria-busy")).toBe("true");

    // A follow-up typed mid-answer is not sent and stays in the box.
    await user.click(input);
    await user.keyboard("And then?{Enter}");
    expect(input.value).toBe("And then?");
    expect(seen).toHaveLength(1);

    act(() => answer.write({ type: "text-delta", id: "t", delta: "a time" }));
    await within(conversation()).findByText("Once upon a time");

    await user.click(screen.getByRole("button", { name: "Stop" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Stop" })).toBeNull());
    expect(within(conversation()).getByText("Once upon a time")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(conversation().getAttribute("aria-busy")).toBe("false");
  });
});

describe("Chat errors", () => {
  it("402: shows Chutes' own message and a top-up link, keeping the question", async () => {
    const detail =
      "Quota exceeded and account balance is $0.0, please pay with fiat or send tao to your wallet.";
    serveChat(() => HttpResponse.json(errorBody("payment_required", detail), { status: 402 }));
    const { user, input } = await renderChat();
    await ask(user, input, "Expensive question");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Out of Chutes balance");
    expect(alert.textContent).toContain(detail);
    expect(alert.textContent).not.toContain('"code"');
    const link = within(alert).getByRole("link", { name: "Top up on chutes.ai" });
    expect(link.getAttribute("href")).toBe(CHUTES_TOP_UP_URL);
    expect(within(conversation()).getByText("Expensive question")).toBeTruthy();
  });

  it("401 key_rejected: offers Open setup, which shows the key form", async () => {
    serveChat(() =>
      HttpResponse.json(errorBody("key_rejected", "Chutes did not accept this API key."), { status: 401 }),
    );
    const { user, input } = await renderChat();
    await ask(user, input, "Hello?");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Chutes rejected your API key");
    await user.click(within(alert).getByRole("button", { name: "Open setup" }));
    const panel = await screen.findByRole("dialog", { name: "Settings" });
    expect(within(panel).getByLabelText("Chutes API key")).toBeTruthy();
    expect(within(panel).getByRole("button", { name: "Remove key" })).toBeTruthy();
  });

  it("429: says Chutes is busy and Retry asks again without duplicating the question", async () => {
    const seen = serveChat(
      () =>
        HttpResponse.json(errorBody("rate_limited", "Too many requests, try again shortly."), {
          status: 429,
        }),
      () => answerResponse("Second time lucky."),
    );
    const { user, input } = await renderChat();
    await ask(user, input, "Are you there?");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Chutes is busy");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));

    await within(conversation()).findByText("Second time lucky.");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(within(conversation()).getAllByText("Are you there?")).toHaveLength(1);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.body.messages).toHaveLength(1);
  });

  it("503: says the model has no instances and moves focus to the model picker", async () => {
    serveChat(() =>
      HttpResponse.json(errorBody("model_unavailable", "No instances available for this chute."), {
        status: 503,
      }),
    );
    const { user, input, picker } = await renderChat();
    await ask(user, input, "Hi");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Model has no instances right now");
    expect(alert.textContent).toContain("No instances available for this chute.");
    await user.click(within(alert).getByRole("button", { name: "Pick another model" }));
    expect(document.activeElement).toBe(picker);
  });

  it("stream_incomplete: keeps the partial answer, marks it incomplete and offers Retry", async () => {
    serveChat(() =>
      brokenAnswerResponse(
        "The first half of ",
        "stream_incomplete",
        "Chutes stopped before finishing this answer.",
      ),
    );
    const { user, input } = await renderChat();
    await ask(user, input, "Explain it all");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The answer was cut off");
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeTruthy();
    const log = conversation();
    expect(within(log).getByText("Explain it all")).toBeTruthy();
    const answer = within(log).getByRole("article", { name: "Assistant answer" });
    expect(answer.textContent).toContain("The first half of");
    expect(answer.textContent).toContain("Incomplete answer");

    // Dismissing the notice does not pretend the answer was complete.
    await user.click(within(alert).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(within(log).getByRole("article", { name: "Assistant answer" }).textContent).toContain(
      "Incomplete answer",
    );
  });

  it("401 no_credential from the server: points to setup", async () => {
    serveChat(() => HttpResponse.json(errorBody("no_credential", "No Chutes credential."), { status: 401 }));
    const { user, input } = await renderChat();
    await ask(user, input, "Hi");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Connect Chutes");
    expect(within(alert).getByRole("button", { name: "Open setup" })).toBeTruthy();
  });
});
