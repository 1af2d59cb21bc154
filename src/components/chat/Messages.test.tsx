import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { documentPart } from "@/src/lib/api/documents.ts";
import type { ChatMessage, MessageSource } from "@/src/lib/chat/messages.ts";
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
import {
  answerResponse,
  answerWithMetadata,
  freshBrowserStorage,
  setupTestServer,
} from "@/tests/support/components.ts";
import { MessageBubble } from "./MessageBubble.tsx";
import { MessageList } from "./MessageList.tsx";

const { server } = setupTestServer();
beforeEach(freshBrowserStorage);
afterEach(() => {
  vi.restoreAllMocks();
});

/** Renders a message row and waits for the Markdown chunk (loaded lazily in the app). */
async function renderBubble(element: ReactElement) {
  const result = render(element);
  await waitFor(() => expect(result.container.querySelector(".markdown")).not.toBeNull());
  return result;
}

function answer(text: string, metadata?: ChatMessage["metadata"]): ChatMessage {
  return textMessage("a1", "assistant", text, metadata);
}

describe("Markdown answers", () => {
  it("renders GFM tables, lists, emphasis and highlighted code", async () => {
    await renderBubble(
      <MessageBubble
        message={answer(
          "**Bold** and a list:\n\n- one\n- two\n\n| River | km |\n| --- | --- |\n| Nile | 6650 |\n\n```js\nconst x = 1;\n```",
        )}
      />,
    );
    const article = screen.getByRole("article", { name: "Assistant answer" });
    expect(within(article).getByText("Bold").tagName).toBe("STRONG");
    expect(
      within(article)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["one", "two"]);
    const table = within(article).getByRole("table");
    expect(within(table).getByRole("columnheader", { name: "River" })).toBeTruthy();
    expect(within(table).getByRole("cell", { name: "6650" })).toBeTruthy();
    const code = article.querySelector("pre code");
    expect(code?.className).toContain("language-js");
    expect(code?.querySelector(".hljs-keyword")?.textContent).toBe("const");
  });

  it("never runs raw HTML from an answer: it shows as text, no element is created", async () => {
    const onerror = vi.fn();
    (window as unknown as { pwned: () => void }).pwned = onerror;
    await renderBubble(
      <MessageBubble
        message={answer(
          'Look: <img src=x onerror="pwned()"> and <script>pwned()</script> and [link](javascript:pwned()) <iframe src="https://evil.example"></iframe>',
        )}
      />,
    );
    const article = screen.getByRole("article", { name: "Assistant answer" });
    expect(article.querySelector("img, script, iframe")).toBeNull();
    expect(article.textContent).toContain('<img src=x onerror="pwned()">');
    expect(article.textContent).toContain("<script>");
    // react-markdown drops javascript: URLs.
    const link = within(article).getByText("link").closest("a");
    expect(link?.getAttribute("href") ?? "").not.toContain("javascript");
    expect(onerror).not.toHaveBeenCalled();
  });

  it("opens answer links in a new tab without handing over the opener", async () => {
    await renderBubble(<MessageBubble message={answer("See [Chutes](https://chutes.ai).")} />);
    const link = screen.getByRole("link", { name: "Chutes" });
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toContain("noopener");
  });
});

describe("images in a question", () => {
  it("shows each image sent with the question, named by its file", () => {
    const url = "data:image/png;base64,iVBORw0KGgo=";
    render(
      <MessageBubble
        message={{
          id: "u1",
          role: "user",
          parts: [
            { type: "file", mediaType: "image/png", filename: "chart.png", url },
            { type: "text", text: "Explain this chart" },
          ],
        }}
      />,
    );
    const mine = screen.getByRole("article", { name: "Your message" });
    const images = within(within(mine).getByRole("list", { name: "Images sent" })).getAllByRole("img");
    expect(images.map((i) => [i.getAttribute("alt"), i.getAttribute("src")])).toEqual([["chart.png", url]]);
    expect(within(mine).getByText("Explain this chart")).toBeTruthy();
  });
});

describe("documents in a question and its answer", () => {
  it("names the files sent, marks their passages as the user's file, and says when one was cut", async () => {
    render(
      <MessageBubble
        message={{
          id: "u1",
          role: "user",
          parts: [
            documentPart("report.pdf", "text/plain", "The crane lifted 4,812 containers."),
            { type: "text", text: "How many containers?" },
          ],
        }}
      />,
    );
    const mine = screen.getByRole("article", { name: "Your message" });
    expect(
      within(within(mine).getByRole("list", { name: "Files sent" })).getByText("report.pdf"),
    ).toBeTruthy();

    await renderBubble(
      <MessageBubble
        message={answer("It lifted 4,812 containers [1].", {
          sources: [
            {
              id: 1,
              title: "report.pdf",
              source: "report.pdf",
              headingPath: "",
              cited: true,
              origin: "file",
            },
          ],
          fileNotices: [{ filename: "report.pdf", readTokens: 12000, totalTokens: 48512 }],
        })}
      />,
    );
    const sources = screen.getByRole("region", { name: "Sources" });
    expect(within(sources).getByText("from your file")).toBeTruthy();
    expect(
      screen.getByText(
        /report\.pdf is too long to read whole: this answer read its first 12,000 tokens of about 48,512 tokens\./,
      ),
    ).toBeTruthy();
  });
});

describe("copy buttons", () => {
  it("copies the whole answer and a code block, saying Copied", async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, "writeText");
    await renderBubble(<MessageBubble message={answer("Run this:\n\n```sh\nnpm test\n```")} />);

    await user.click(screen.getByRole("button", { name: "Copy code" }));
    expect(writeText).toHaveBeenLastCalledWith("npm test");
    expect(await screen.findByRole("button", { name: "Copied" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Copy answer" }));
    expect(writeText).toHaveBeenLastCalledWith("Run this:\n\n```sh\nnpm test\n```");
    await waitFor(() => expect(screen.getAllByRole("button", { name: "Copied" })).toHaveLength(2));
  });

  it("says when copying failed", async () => {
    const user = userEvent.setup();
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new Error("denied"));
    await renderBubble(<MessageBubble message={answer("Hello")} />);
    await user.click(screen.getByRole("button", { name: "Copy answer" }));
    expect(await screen.findByRole("button", { name: "Copy failed" })).toBeTruthy();
  });
});

describe("knowledge-base sources", () => {
  const sources: MessageSource[] = [
    { id: 1, title: "Rivers", source: "docs/rivers.md", headingPath: "Africa > Nile", cited: true },
    { id: 2, title: "Lakes", source: "https://example.org/lakes", headingPath: "Victoria", cited: false },
    { id: 3, title: "Deserts", source: "docs/deserts.md", headingPath: "Sahara", cited: true },
  ];

  it("lists cited sources in bold with a cited label, and folds the rest", async () => {
    await renderBubble(<MessageBubble message={answer("The Nile [1] is long [3].", { sources })} />);
    const list = screen.getByRole("region", { name: "Sources" });
    const cited = within(list)
      .getAllByRole("listitem")
      .filter((li) => li.textContent?.includes("cited"));
    expect(cited.map((li) => li.textContent)).toEqual([
      "[1] Rivers — Africa > Nile docs/rivers.mdcited",
      "[3] Deserts — Sahara docs/deserts.mdcited",
    ]);
    expect(cited[0]?.querySelector("strong")?.textContent).toBe("[1] Rivers — Africa > Nile");
    expect(within(list).getByText("docs/rivers.md").tagName).toBe("CODE");

    const more = within(list).getByText("1 more source");
    expect(more.tagName).toBe("SUMMARY");
    const folded = more.closest("details") as HTMLElement;
    const link = within(folded).getByRole("link", { name: "https://example.org/lakes" });
    expect(link.getAttribute("href")).toBe("https://example.org/lakes");
    expect(folded.textContent).toContain("[2] Lakes — Victoria");
    expect(folded.textContent).not.toContain("cited");
  });

  it("says why each source was chosen, where the answer carries it", async () => {
    const withEvidence: MessageSource[] = [
      { ...sources[0], evidence: { textRank: 1, vectorRank: 4, matchedTerms: ["Nile"] } } as MessageSource,
      { ...sources[2], evidence: { vectorRank: 1, matchedTerms: [] } } as MessageSource,
    ];
    await renderBubble(
      <MessageBubble message={answer("The Nile [1] is long [2].", { sources: withEvidence })} />,
    );
    const list = screen.getByRole("region", { name: "Sources" });
    expect(within(list).getByText("Why: matched “Nile” · #1 by words · #4 by meaning")).toBeTruthy();
    expect(within(list).getByText("Why: #1 by meaning")).toBeTruthy();
  });

  it("says when no source was cited", async () => {
    await renderBubble(
      <MessageBubble
        message={answer("No idea.", { sources: sources.map((s) => ({ ...s, cited: false })) })}
      />,
    );
    expect(screen.getByText("3 sources, none cited")).toBeTruthy();
  });

  it.each([
    ["payment_required", "Knowledge base searched by text only (out of balance)"],
    ["rate_limited", "Knowledge base searched by text only (busy)"],
    ["model_unavailable", "Knowledge base searched by text only (embedding model unavailable)"],
    ["chutes_unreachable", "Knowledge base searched by text only (could not reach Chutes)"],
    ["upstream_error", "Knowledge base searched by text only (chutes had a problem)"],
    ["key_rejected", "Knowledge base searched by text only (chutes rejected your api key)"],
    ["session_expired", "Knowledge base searched by text only (your chutes session ended)"],
    ["no_chutes_credential", "Knowledge base searched by text (embeddings need a Chutes credential)"],
    ["not_embedded", "Knowledge base searched by text (it holds no embeddings yet)"],
    [undefined, "Knowledge base searched by text only"],
  ] as const)("notes a text-only search (%s)", async (reason, note) => {
    await renderBubble(
      <MessageBubble
        message={answer("Answer.", {
          retrieval: { mode: "text-only", ...(reason ? { degradedReason: reason } : {}) },
        })}
      />,
    );
    expect(screen.getByText(note)).toBeTruthy();
  });

  it("says nothing about retrieval for a hybrid search", async () => {
    await renderBubble(<MessageBubble message={answer("Answer.", { retrieval: { mode: "hybrid" } })} />);
    expect(screen.queryByText(/searched by text only/)).toBeNull();
  });

  it("shows sources streamed with an answer in the chat", async () => {
    serveChat(server, () =>
      answerWithMetadata("The Nile [1].", {
        start: { sources: sources.map((s) => ({ ...s, cited: false })), retrieval: { mode: "hybrid" } },
        finish: {
          sources,
          retrieval: { mode: "hybrid" },
          usage: { inputTokens: 100, outputTokens: 10, totalTokens: 110 },
        },
      }),
    );
    const { user } = await renderChat();
    await ask(user, "Longest river?");
    const region = await within(conversationLog()).findByRole("region", { name: "Sources" });
    await waitFor(() => expect(within(region).getByText("1 more source")).toBeTruthy());
  });
});

describe("usage and cost", () => {
  it("shows each answer's tokens and cost, and the conversation's running total", async () => {
    serveChat(
      server,
      () =>
        answerWithMetadata("First.", {
          finish: { usage: { inputTokens: 300, outputTokens: 112, totalTokens: 412 } },
        }),
      () =>
        answerWithMetadata("Second.", {
          start: { model: "Qwen/Qwen3-32B" },
          finish: {
            model: "Qwen/Qwen3-32B",
            usage: { inputTokens: 1000, outputTokens: 500, totalTokens: 1500 },
          },
        }),
    );
    const { user } = await renderChat();
    await ask(user, "One");
    await within(conversationLog()).findByText("First.");
    // DeepSeek: 300 × $0.25/M + 112 × $0.38/M = $0.00011756
    await waitFor(() =>
      expect(screen.getAllByTestId("answer-usage").map((e) => e.textContent)).toEqual([
        "412 tokens · $0.00012",
      ]),
    );
    expect(screen.getByTestId("conversation-total").textContent).toBe(
      "This conversation: 412 tokens · $0.00012",
    );

    await ask(user, "Two");
    await within(conversationLog()).findByText("Second.");
    // Qwen: 1000 × $0.05/M + 500 × $0.20/M = $0.00015
    await waitFor(() =>
      expect(screen.getAllByTestId("answer-usage").map((e) => e.textContent)).toEqual([
        "412 tokens · $0.00012",
        "1,500 tokens · $0.00015",
      ]),
    );
    expect(screen.getByTestId("conversation-total").textContent).toBe(
      "This conversation: 1,912 tokens · $0.00027",
    );
  });

  it("shows tokens alone when the model's price is unknown", async () => {
    serveChat(server, () =>
      answerWithMetadata("Unpriced.", {
        start: { model: "someone/unlisted-model" },
        finish: {
          model: "someone/unlisted-model",
          usage: { inputTokens: 20, outputTokens: 22, totalTokens: 42 },
        },
      }),
    );
    const { user } = await renderChat();
    await ask(user, "Hi");
    await waitFor(() => expect(screen.getByTestId("answer-usage").textContent).toBe("42 tokens"));
    expect(screen.getByTestId("conversation-total").textContent).toBe("This conversation: 42 tokens");
  });
});

describe("regenerate and edit", () => {
  it("regenerates the last answer, replacing it", async () => {
    const seen = serveChat(
      server,
      () => answerResponse("First try."),
      () => answerResponse("Second try."),
    );
    const { user } = await renderChat();
    await ask(user, "Tell me");
    await within(conversationLog()).findByText("First try.");
    await user.click(screen.getByRole("button", { name: "Regenerate" }));
    expect(await within(conversationLog()).findByText("Second try.")).toBeTruthy();
    expect(within(conversationLog()).queryByText("First try.")).toBeNull();
    expect(seen[1]?.body.messages.map((m) => m.role)).toEqual(["user"]);
    await waitFor(async () => {
      const [stored] = await storedConversations();
      expect(stored?.messages.map((m) => m.parts.map((p) => ("text" in p ? p.text : "")).join(""))).toEqual([
        "Tell me",
        "Second try.",
      ]);
    });
  });

  it("offers Regenerate on the last answer only", async () => {
    await seedConversations([
      storedConversation("c", "Two answers", Date.now(), [
        textMessage("q1", "user", "First question"),
        textMessage("a1", "assistant", "First answer"),
        textMessage("q2", "user", "Second question"),
        textMessage("a2", "assistant", "Second answer"),
      ]),
    ]);
    const { user } = await renderChat();
    await user.click(await screen.findByRole("button", { name: "Two answers" }));
    const answers = await within(conversationLog()).findAllByRole("article", { name: "Assistant answer" });
    expect(within(answers[0]!).queryByRole("button", { name: "Regenerate" })).toBeNull();
    expect(within(answers[1]!).getByRole("button", { name: "Regenerate" })).toBeTruthy();
  });

  it("edits a sent message and resends it, dropping what came after", async () => {
    const seen = serveChat(
      server,
      () => answerResponse("About cats."),
      () => answerResponse("More on cats."),
      () => answerResponse("About dogs."),
    );
    const { user } = await renderChat();
    await ask(user, "Tell me about cats");
    await within(conversationLog()).findByText("About cats.");
    await ask(user, "More please");
    await within(conversationLog()).findByText("More on cats.");

    const [first] = within(conversationLog()).getAllByRole("article", { name: "Your message" });
    await user.click(within(first!).getByRole("button", { name: "Edit" }));
    const box = screen.getByRole("textbox", { name: "Edit message" }) as HTMLTextAreaElement;
    expect(box.value).toBe("Tell me about cats");
    await user.clear(box);
    await user.keyboard("Tell me about dogs");
    await user.click(screen.getByRole("button", { name: "Save and resend" }));

    expect(await within(conversationLog()).findByText("About dogs.")).toBeTruthy();
    const log = conversationLog();
    expect(within(log).queryByText("More please")).toBeNull();
    expect(within(log).queryByText("About cats.")).toBeNull();
    expect(
      within(log)
        .getAllByRole("article")
        .map((a) => a.getAttribute("data-role")),
    ).toEqual(["user", "assistant"]);
    expect(seen[2]?.body.messages.map((m) => m.parts[0]?.text)).toEqual(["Tell me about dogs"]);
  });

  it("cancels an edit with Esc, keeping the message", async () => {
    serveChat(server, () => answerResponse("Ok."));
    const { user } = await renderChat();
    await ask(user, "Original");
    await within(conversationLog()).findByText("Ok.");
    await user.click(screen.getByRole("button", { name: "Edit" }));
    await user.keyboard(" changed{Escape}");
    expect(screen.queryByRole("textbox", { name: "Edit message" })).toBeNull();
    expect(within(conversationLog()).getByText("Original")).toBeTruthy();
  });
});

describe("searchable model picker", () => {
  it("filters models as you type and picks one with the keyboard", async () => {
    const { user, picker } = await renderChat();
    await user.click(picker);
    expect(picker.getAttribute("aria-expanded")).toBe("true");
    await user.keyboard("qwen");
    const list = screen.getByRole("listbox", { name: "Models" });
    expect(
      within(list)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Qwen/Qwen3-32B41K context · $0.05 in / $0.20 out per 1M tokens"]);
    await user.keyboard("{Enter}");
    expect(picker.value).toBe("Qwen/Qwen3-32B");
    expect(picker.getAttribute("aria-expanded")).toBe("false");
  });

  it("moves with the arrow keys, marks the active option and closes with Esc without choosing", async () => {
    const { user, picker } = await renderChat();
    await user.click(picker);
    await user.keyboard("{ArrowDown}");
    const active = document.getElementById(picker.getAttribute("aria-activedescendant") ?? "");
    expect(active?.textContent).toContain("Qwen/Qwen3-32B");
    await user.keyboard("{Escape}");
    expect(picker.getAttribute("aria-expanded")).toBe("false");
    expect(picker.value).toBe("deepseek-ai/DeepSeek-V3.2-TEE");
    // Esc closed the list only: focus stays in the picker.
    expect(document.activeElement).toBe(picker);
  });

  it("shows the TEE badge and says when nothing matches", async () => {
    const { user, picker } = await renderChat();
    await user.click(picker);
    const tee = screen.getByRole("option", { name: /DeepSeek-V3\.2-TEE/ });
    expect(within(tee).getByText("TEE", { exact: true })).toBeTruthy();
    await user.keyboard("no-such-model");
    expect(screen.getByText("No model matches “no-such-model”.")).toBeTruthy();
  });
});

describe("the message list's scrolling", () => {
  const props = { busy: false, incompleteIds: new Set<string>() };

  it("opens a conversation at its end, and an empty one without measuring the page", () => {
    let measured = 0;
    const scrolledTo: number[] = [];
    vi.spyOn(Element.prototype, "scrollHeight", "get").mockImplementation(() => {
      measured++;
      return 900;
    });
    vi.spyOn(Element.prototype, "scrollTop", "set").mockImplementation((top: number) => {
      scrolledTo.push(top);
    });
    const { unmount } = render(<MessageList messages={[]} {...props} />);
    expect(screen.getByText(/Ask anything/)).toBeTruthy();
    expect(measured).toBe(0);
    unmount();

    render(<MessageList messages={[textMessage("u1", "user", "Hello"), answer("Hi")]} {...props} />);
    expect(measured).toBeGreaterThan(0);
    expect(scrolledTo).toContain(900);
  });
});
