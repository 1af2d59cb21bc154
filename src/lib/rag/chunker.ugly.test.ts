// @vitest-environment node
import { describe, expect, it } from "vitest";
import { chunkMarkdown, parseDocument } from "./chunker.ts";
import { countTokens } from "./tokens.ts";

// The documents real documentation sets are made of: option lists of one-line sections, huge code
// samples, HTML widgets, and the same sentence under every endpoint (see docs/dev/chunking.md).

describe("tiny sections", () => {
  it("merges consecutive small sections into one chunk under their common heading, headings kept in the text", () => {
    const md = [
      "# Client",
      "## Options",
      "### `bodyTimeout`",
      "Default 300e3.",
      "### `headersTimeout`",
      "Default 300e3 too.",
      "### `keepAliveTimeout`",
      "Default 4e3.",
    ].join("\n");
    const chunks = chunkMarkdown(md, { maxTokens: 200 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.headingPath).toBe("Client > Options");
    expect(chunks[0]?.text).toBe(
      [
        "### bodyTimeout",
        "Default 300e3.",
        "### headersTimeout",
        "Default 300e3 too.",
        "### keepAliveTimeout",
        "Default 4e3.",
      ].join("\n\n"),
    );
  });

  it("never merges past the target size, and a big section keeps its own chunks and path", () => {
    const small = Array.from(
      { length: 12 },
      (_, i) => `## Option ${i}\nThe option number ${i} does one small thing.`,
    );
    const big = `## Big\n${Array.from({ length: 80 }, (_, i) => `Sentence ${i} about the big section.`).join(" ")}`;
    const chunks = chunkMarkdown(["# Doc", ...small, big].join("\n"), { maxTokens: 60, overlapTokens: 0 });
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(60);
    expect(chunks.filter((c) => c.headingPath === "Doc").length).toBeLessThan(12);
    expect(chunks.filter((c) => c.headingPath === "Doc > Big").length).toBeGreaterThan(1);
    // Nothing lost: every option's sentence is in some chunk.
    for (let i = 0; i < 12; i++)
      expect(chunks.some((c) => c.text.includes(`option number ${i} `))).toBe(true);
  });
});

describe("a 3,000-token code block", () => {
  it("is cut at line boundaries into fenced pieces within the target size", () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `const value${i} = compute(${i}, "some argument text");`,
    );
    const md = `# Example\n\n\`\`\`js\n${lines.join("\n")}\n\`\`\``;
    expect(countTokens(md)).toBeGreaterThan(3000);
    const chunks = chunkMarkdown(md, { maxTokens: 400 });
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(400);
      expect(c.text.startsWith("```js\n")).toBe(true);
      expect(c.text.endsWith("\n```")).toBe(true);
    }
    // Every line survives exactly once, whole.
    const body = chunks.flatMap((c) => c.text.split("\n").slice(1, -1));
    expect(body).toEqual(lines);
  });
});

describe("HTML inside Markdown", () => {
  it("drops script, style and comments with their content, keeps text of other tags, leaves code alone", () => {
    const md = [
      "# Widget",
      '<script type="application/json">{"props":{"items":[1,2,3],"secretSauce":"zzz"}}</script>',
      "<!-- YAML",
      "added: v1.0.0",
      "-->",
      '<div class="note"><strong>Note:</strong> pipelining is off by default.</div>',
      "",
      "<style>.note { color: red }</style>",
      "Write `<div>` to make a box.",
      "",
      "```html",
      "<div>kept in code</div>",
      "```",
    ].join("\n");
    const { chunks } = parseDocument({ fileName: "w.md", text: md });
    const text = chunks.map((c) => c.text).join("\n");
    expect(text).not.toMatch(/secretSauce|added: v1\.0\.0|color: red|class="note"|<strong>/);
    expect(text).toContain("Note: pipelining is off by default.");
    expect(text).toContain("Write `<div>` to make a box.");
    expect(text).toContain("<div>kept in code</div>");
  });
});

describe("repeated boilerplate", () => {
  it("is chunked to identical text (so it shares one embedding and is down-weighted in search)", () => {
    const endpoint = (name: string) =>
      `## ${name}\n\nThis endpoint requires authentication.\n\n${"Details about the endpoint. ".repeat(40)}`;
    const a = chunkMarkdown(`# API\n\n${endpoint("GET /a")}`, { maxTokens: 60, overlapTokens: 0 });
    const b = chunkMarkdown(`# API\n\n${endpoint("GET /b")}`, { maxTokens: 60, overlapTokens: 0 });
    expect(a[0]?.text.startsWith("This endpoint requires authentication.")).toBe(true);
    expect(a.map((c) => c.text)).toEqual(b.map((c) => c.text));
  });
});
