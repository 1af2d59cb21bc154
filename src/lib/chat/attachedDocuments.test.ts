// @vitest-environment node
import { describe, expect, it } from "vitest";
import { documentPart } from "../api/documents.ts";
import { parseDocument } from "../rag/chunker.ts";
import { countTokens } from "../rag/tokens.ts";
import { attachedDocuments } from "./attachedDocuments.ts";
import type { ChatMessage } from "./messages.ts";

// What a conversation's files give each answer. Each question sends the files again and what was
// read of a file is kept: these check that what is kept never changes an answer's sources.

const ask = (id: string, text: string, files: ReturnType<typeof documentPart>[] = []): ChatMessage => ({
  id,
  role: "user",
  parts: [...files, { type: "text", text }],
});

const longReport = Array.from(
  { length: 400 },
  (_, i) => `## Day ${i}\n\nThe harbour crane lifted ${1000 + i} containers on day ${i}.`,
).join("\n\n");

describe("attached documents", () => {
  it("give the same passages and notice on every question of the conversation", () => {
    const report = documentPart("report.md", "text/markdown", longReport);
    const first = attachedDocuments([ask("u1", "Summarize", [report])], { scope: "key-a", budget: 2000 });
    const later = attachedDocuments([ask("u1", "Summarize", [report]), ask("u2", "And day 3?")], {
      scope: "key-a",
      budget: 2000,
    });
    expect(first.chunks.length).toBeGreaterThan(1);
    expect(later.chunks).toEqual(first.chunks);
    expect(later.tokens).toBe(first.tokens);
    expect(first.tokens).toBeLessThanOrEqual(2000);
    expect(later.notices).toEqual(first.notices);
    expect(first.notices[0]).toMatchObject({ filename: "report.md", readTokens: first.tokens });
    expect(first.notices[0]?.totalTokens).toBeGreaterThan(3 * first.tokens);
  });

  it("read only a long file's beginning, and give its size within a tenth", () => {
    // The same report in three formats: its size is that of its text, tags aside.
    const reportTokens = countTokens(longReport);
    const formats = [
      { filename: "report.md", mediaType: "text/markdown", text: longReport, format: "markdown" },
      {
        filename: "report.html",
        mediaType: "text/html",
        text: longReport.replace(/## (Day \d+)\n\n(.*)/g, '<h2 class="day">$1</h2><p style="x">$2</p>'),
        format: "html",
      },
      { filename: "report.txt", mediaType: "text/plain", text: longReport, format: "text" },
    ] as const;
    for (const { filename, mediaType, text, format } of formats) {
      const whole = parseDocument({ fileName: filename, text, format });
      const read = attachedDocuments([ask("u1", "Summarize", [documentPart(filename, mediaType, text)])], {
        scope: "key-a",
        budget: 1500,
      });
      // The passages are the whole file's first chunks, as many as the budget holds.
      expect(read.chunks.map((c) => c.text)).toEqual(
        whole.chunks.slice(0, read.chunks.length).map((c) => c.text),
      );
      expect(read.tokens + (whole.chunks[read.chunks.length]?.tokenCount ?? 0)).toBeGreaterThan(1500);
      const total = read.notices[0]?.totalTokens ?? 0;
      expect(
        Math.abs(total - reportTokens) / reportTokens,
        `${filename}: ${total} for ${reportTokens}`,
      ).toBeLessThan(0.1);
    }
  });

  it("read a file again when it was edited and attached under the same name", () => {
    const v1 = documentPart("notes.md", "text/markdown", "# Notes\n\nThe meeting is on Monday.");
    const v2 = documentPart("notes.md", "text/markdown", "# Notes\n\nThe meeting moved to Thursday.");
    expect(attachedDocuments([ask("u1", "When?", [v1])], { scope: "key-a" }).chunks[0]?.text).toContain(
      "Monday",
    );
    const edited = attachedDocuments([ask("u1", "When?", [v2])], { scope: "key-a" });
    expect(edited.chunks[0]?.text).toContain("Thursday");
    expect(edited.chunks.map((c) => c.text).join(" ")).not.toContain("Monday");
  });

  it("share the budget between files the same way for every user and every budget", () => {
    const report = documentPart("report.md", "text/markdown", longReport);
    const memo = documentPart("memo.txt", "text/plain", "Memo: the crane is serviced every Friday.");
    const messages = [ask("u1", "First", [report]), ask("u2", "Second", [memo])];
    const forA = attachedDocuments(messages, { scope: "key-a", budget: 1000 });
    const forB = attachedDocuments(messages, { scope: "key-b", budget: 1000 });
    expect(forB).toEqual(forA);
    // The newest file comes first, whole; the older one fills what is left.
    expect(forA.chunks[0]?.source).toBe("memo.txt");
    expect(forA.chunks.at(-1)?.source).toBe("report.md");
    const larger = attachedDocuments(messages, { scope: "key-a", budget: 3000 });
    expect(larger.tokens).toBeGreaterThan(forA.tokens);
    expect(larger.tokens).toBeLessThanOrEqual(3000);
  });
});
