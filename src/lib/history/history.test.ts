import { describe, expect, it } from "vitest";
import { documentPart } from "../api/documents.ts";
import type { ChatMessage } from "../chat/messages.ts";
import {
  conversationToMarkdown,
  describeMerge,
  exportFileName,
  parseImport,
  planMerge,
  toJson,
} from "./exportFormat.ts";
import { dateGroupOf, groupByDate } from "./groups.ts";
import type { Conversation } from "./schema.ts";
import { searchConversations } from "./search.ts";
import { titleFromMessages, titleFromText, UNTITLED } from "./title.ts";

function msg(
  id: string,
  role: "user" | "assistant",
  text: string,
  metadata?: ChatMessage["metadata"],
): ChatMessage {
  return { id, role, parts: [{ type: "text", text }], ...(metadata ? { metadata } : {}) };
}

function conversation(
  id: string,
  title: string,
  updatedAt: number,
  messages: ChatMessage[] = [],
): Conversation {
  return { id, title, createdAt: updatedAt - 1000, updatedAt, messages };
}

describe("titles", () => {
  it("uses the first user message, on one line", () => {
    expect(titleFromText("  What is   the\ncapital of Peru? ")).toBe("What is the capital of Peru?");
    expect(titleFromMessages([msg("1", "user", "Hello there"), msg("2", "assistant", "Hi")])).toBe(
      "Hello there",
    );
    expect(titleFromMessages([])).toBe(UNTITLED);
  });

  it("cuts long questions at a word boundary near 60 characters", () => {
    const title = titleFromText(
      "Please explain how the retrieval augmented generation pipeline chooses which chunks to cite",
    );
    expect(title).toBe("Please explain how the retrieval augmented generation…");
    expect(title.length).toBeLessThanOrEqual(61);
    expect(titleFromText("x".repeat(100))).toBe(`${"x".repeat(60)}…`);
  });
});

describe("date groups", () => {
  // Fixed clock: Wednesday 2026-03-18, 15:00 local time.
  const now = new Date(2026, 2, 18, 15, 0, 0).getTime();
  const at = (month: number, day: number, hour = 12) => new Date(2026, month, day, hour).getTime();

  it("places conversations by calendar day", () => {
    expect(dateGroupOf(at(2, 18, 0), now)).toBe("Today");
    expect(dateGroupOf(at(2, 17, 23), now)).toBe("Yesterday");
    expect(dateGroupOf(at(2, 17, 0), now)).toBe("Yesterday");
    expect(dateGroupOf(at(2, 16), now)).toBe("Previous 7 days");
    expect(dateGroupOf(at(2, 11), now)).toBe("Previous 7 days");
    expect(dateGroupOf(at(2, 10), now)).toBe("Previous 30 days");
    expect(dateGroupOf(at(1, 17), now)).toBe("Previous 30 days");
    expect(dateGroupOf(at(1, 15), now)).toBe("Older");
  });

  it("groups newest first in a fixed order and leaves out empty groups", () => {
    const groups = groupByDate(
      [
        conversation("old", "Old", at(0, 2)),
        conversation("today-1", "Today 1", at(2, 18, 9)),
        conversation("yesterday", "Yesterday", at(2, 17)),
        conversation("today-2", "Today 2", at(2, 18, 14)),
      ],
      now,
    );
    expect(groups.map((g) => [g.label, g.conversations.map((c) => c.id)])).toEqual([
      ["Today", ["today-2", "today-1"]],
      ["Yesterday", ["yesterday"]],
      ["Older", ["old"]],
    ]);
  });
});

describe("search", () => {
  const list = [
    conversation("a", "Rivers of Peru", 3, [msg("a1", "user", "Tell me about the Amazon")]),
    conversation("b", "Cooking", 2, [
      msg("b1", "user", "How long to boil an egg?"),
      msg("b2", "assistant", "About nine minutes for a hard-boiled egg, then cool it in cold water."),
    ]),
    conversation("c", "Café notes", 1, [msg("c1", "user", "Crème brûlée recipe")]),
  ];

  it("matches titles and message text, every word, ignoring case and accents", () => {
    expect(searchConversations(list, "peru").map((h) => h.id)).toEqual(["a"]);
    expect(searchConversations(list, "NINE minutes").map((h) => h.id)).toEqual(["b"]);
    expect(searchConversations(list, "creme brulee").map((h) => h.id)).toEqual(["c"]);
    expect(searchConversations(list, "cafe").map((h) => h.id)).toEqual(["c"]);
    expect(searchConversations(list, "nine pizza")).toEqual([]);
    expect(searchConversations(list, "   ")).toEqual([]);
  });

  it("shows a snippet around a message match", () => {
    const [hit] = searchConversations(list, "cold water");
    expect(hit?.matchedIn).toBe("message");
    expect(hit?.snippet).toContain("cool it in cold water");
  });
});

describe("export and import", () => {
  const sample = conversation("conv-1", "Rivers", 1_700_000_000_000, [
    msg("m1", "user", "Which river is longest?"),
    msg("m2", "assistant", "The **Nile** [1].", {
      model: "deepseek-ai/DeepSeek-V3.2-TEE",
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      sources: [
        { id: 1, title: "Rivers", source: "docs/rivers.md", headingPath: "Africa > Nile", cited: true },
      ],
      retrieval: { mode: "hybrid" },
    }),
  ]);

  it("round-trips JSON exactly", () => {
    const parsed = parseImport(toJson([sample], new Date("2026-01-01T00:00:00Z")));
    expect(parsed).toEqual({ ok: true, conversations: [sample] });
  });

  it("writes a versioned JSON file", () => {
    const file = JSON.parse(toJson([sample], new Date("2026-01-01T00:00:00Z")));
    expect(file).toMatchObject({
      format: "chutes-chat.conversations",
      version: 3,
      exportedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(file.conversations).toHaveLength(1);
  });

  it("writes readable Markdown with roles, models and sources", () => {
    const md = conversationToMarkdown(sample);
    expect(md).toContain("# Rivers");
    expect(md).toContain("## You\n\nWhich river is longest?");
    expect(md).toContain("## Assistant (deepseek-ai/DeepSeek-V3.2-TEE)\n\nThe **Nile** [1].");
    expect(md).toContain("- [1] Rivers — Africa > Nile (docs/rivers.md) — cited");
  });

  it("refuses files that are not JSON or not an export, with a clear message", () => {
    const notJson = parseImport("{ nope");
    expect(notJson).toEqual({ ok: false, message: "This file is not valid JSON, so nothing was imported." });
    const wrongShape = parseImport(JSON.stringify({ hello: "world" }));
    expect(wrongShape.ok).toBe(false);
    if (!wrongShape.ok) expect(wrongShape.message).toMatch(/not a chutes-chat export/);
    const badMessage = JSON.parse(toJson([sample]));
    badMessage.conversations[0].messages[0].role = "robot";
    const refused = parseImport(JSON.stringify(badMessage));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain("conversations.0.messages.0.role");
    const textless = JSON.parse(toJson([sample]));
    delete textless.conversations[0].messages[0].parts[0].text;
    expect(parseImport(JSON.stringify(textless)).ok).toBe(false);
  });

  it("keeps thinking and the conversation's settings through export and import", () => {
    const thoughtful: Conversation = {
      ...conversation("conv-3", "Thinking", 1_700_000_000_000, [
        msg("t1", "user", "Why?"),
        {
          id: "t2",
          role: "assistant",
          parts: [
            { type: "reasoning", text: "Let me weigh it.", state: "done" },
            { type: "text", text: "Because.", state: "done" },
          ],
          metadata: { usage: { outputTokens: 9, reasoningTokens: 4 }, reasoningMs: 2300 },
        },
      ]),
      settings: {
        systemPrompt: "Be terse.",
        temperature: 0.2,
        maxOutputTokens: 800,
        reasoningEffort: "high",
      },
    };
    expect(parseImport(toJson([thoughtful]))).toEqual({ ok: true, conversations: [thoughtful] });
    const md = conversationToMarkdown(thoughtful);
    expect(md).toContain("System prompt:\n\n> Be terse.");
    expect(md).toContain(
      "<details><summary>Thinking</summary>\n\nLet me weigh it.\n\n</details>\n\nBecause.",
    );
  });

  it("keeps images and documents in JSON, names them in Markdown, and titles a question of only a file after it", () => {
    const image = {
      type: "file" as const,
      mediaType: "image/png",
      filename: "my shot.png",
      url: "data:image/png;base64,AAAA",
    };
    const pictured = conversation("conv-img", "x", 1_700_000_000_000, [
      { id: "m1", role: "user", parts: [image, { type: "text", text: "What is this?" }] },
      msg("m2", "assistant", "A cat."),
    ]);
    expect(parseImport(toJson([pictured]))).toEqual({ ok: true, conversations: [pictured] });
    expect(conversationToMarkdown(pictured)).toContain(
      "## You\n\n![my%20shot.png](my%20shot.png)\n\nWhat is this?",
    );
    expect(titleFromMessages([{ id: "m1", role: "user", parts: [image] }])).toBe("Image: my shot.png");
    const document = documentPart("report.pdf", "text/plain", "Text of the report.");
    const withFile = conversation("conv-doc", "x", 1_700_000_000_000, [
      { id: "m1", role: "user", parts: [document] },
      msg("m2", "assistant", "It says so [1]."),
    ]);
    expect(parseImport(toJson([withFile]))).toEqual({ ok: true, conversations: [withFile] });
    expect(conversationToMarkdown(withFile)).toContain("## You\n\nAttached: report.pdf");
    expect(titleFromMessages(withFile.messages)).toBe("File: report.pdf");
  });

  it("still imports version 1 files, which have no settings", () => {
    const file = JSON.parse(toJson([sample]));
    file.version = 1;
    expect(parseImport(JSON.stringify(file))).toEqual({ ok: true, conversations: [sample] });
    file.conversations[0].settings = { temperature: 9 };
    expect(parseImport(JSON.stringify(file)).ok).toBe(false);
  });

  it("keeps answer versions through export and import, and reads version 2 files", () => {
    const question = msg("q1", "user", "Which river is longest?");
    const first = msg("a1", "assistant", "The Nile.");
    const second = msg("a2", "assistant", "The Amazon.");
    const third = msg("a3", "assistant", "It depends how you measure.", {
      versions: [[first], [second, msg("q2", "user", "Why?")]],
      versionIndex: 2,
    });
    const withVersions = conversation("conv-v", "Versions", 1_700_000_000_000, [question, third]);
    const parsed = parseImport(toJson([withVersions]));
    expect(parsed).toEqual({ ok: true, conversations: [withVersions] });

    const oldFile = JSON.parse(toJson([sample]));
    oldFile.version = 2;
    expect(parseImport(JSON.stringify(oldFile))).toEqual({ ok: true, conversations: [sample] });
  });

  it("refuses a file listing one conversation twice", () => {
    const twice = parseImport(toJson([sample, sample]));
    expect(twice.ok).toBe(false);
  });

  it("merges by id: adds new ones, replaces only with a newer copy", () => {
    const newer = { ...sample, updatedAt: sample.updatedAt + 1, title: "Rivers (newer)" };
    const other = conversation("conv-2", "Other", 5);
    expect(planMerge([sample], [sample, other])).toMatchObject({
      added: 1,
      updated: 0,
      unchanged: 1,
      write: [other],
    });
    expect(planMerge([sample], [newer])).toMatchObject({ added: 0, updated: 1, write: [newer] });
    expect(planMerge([newer], [sample])).toMatchObject({ updated: 0, unchanged: 1, write: [] });
    expect(describeMerge({ write: [], added: 2, updated: 1, unchanged: 3 })).toBe(
      "Imported: 2 added, 1 updated, 3 already here.",
    );
  });

  it("names files after the title and date", () => {
    expect(exportFileName("md", "What is RAG?", new Date("2026-02-03T10:00:00Z"))).toBe(
      "chutes-chat-what-is-rag-2026-02-03.md",
    );
    expect(exportFileName("json", undefined, new Date("2026-02-03T10:00:00Z"))).toBe(
      "chutes-chat-conversations-2026-02-03.json",
    );
  });
});
