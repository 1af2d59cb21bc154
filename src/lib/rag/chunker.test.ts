// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  chunkMarkdown,
  decodeUtf8,
  extractFrontmatter,
  formatForPath,
  parseDocument,
  stripMdx,
} from "./chunker.ts";
import { InvalidTextError } from "./errors.ts";
import { htmlToMarkdown } from "./html.ts";
import { countTokens } from "./tokens.ts";

const sentence = (i: number) => `Sentence number ${i} talks about topic ${i % 7} in some detail.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => sentence(from + i)).join(" ");

describe("headings", () => {
  it("gives each chunk the path of headings above it", () => {
    const md = [
      "Intro before any heading.",
      "# Guide",
      "Guide text.",
      "## Install",
      "Install text.",
      "### On Linux",
      "Linux text.",
      "## Configure",
      "Configure text.",
      "# Appendix",
      "Appendix text.",
    ].join("\n\n");
    const chunks = chunkMarkdown(md, { mergeSections: false });
    expect(chunks.map((c) => [c.headingPath, c.text])).toEqual([
      ["", "Intro before any heading."],
      ["Guide", "Guide text."],
      ["Guide > Install", "Install text."],
      ["Guide > Install > On Linux", "Linux text."],
      ["Guide > Configure", "Configure text."],
      ["Appendix", "Appendix text."],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("handles setext headings, skipped levels, closing hashes and inline markup", () => {
    const md =
      "Title\n=====\n\nbody\n\n#### Deep **bold** `code` [link](http://x) ##\n\ndeep body\n\nSub\n---\n\nsub body";
    expect(chunkMarkdown(md, { mergeSections: false }).map((c) => c.headingPath)).toEqual([
      "Title",
      "Title > Deep bold code link",
      "Title > Sub",
    ]);
  });

  it("ignores '#' lines inside code fences", () => {
    const md = "# Real\n\n```bash\n# just a comment\necho hi\n```\n\nafter";
    const chunks = chunkMarkdown(md, { mergeSections: false });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.headingPath).toBe("Real");
    expect(chunks[0]?.text).toContain("# just a comment");
  });
});

describe("token limits and overlap", () => {
  const md = `# Long\n\n${Array.from({ length: 12 }, (_, i) => paragraph(i * 10, 10)).join("\n\n")}`;

  it("keeps chunks near the token limit", () => {
    const chunks = chunkMarkdown(md, { maxTokens: 120, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.tokenCount).toBe(countTokens(c.text));
      expect(c.tokenCount).toBeLessThanOrEqual(120 * 1.05);
      expect(c.headingPath).toBe("Long");
    }
  });

  it("repeats the end of each chunk at the start of the next one", () => {
    const chunks = chunkMarkdown(md, { maxTokens: 120, overlapTokens: 30 });
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]?.text ?? "";
      const current = chunks[i]?.text ?? "";
      const head = current.slice(0, 40);
      expect(previous.includes(head), `chunk ${i} should start with text from chunk ${i - 1}`).toBe(true);
    }
    // Without overlap, the chunks are exactly the text, cut at whitespace.
    const noOverlap = chunkMarkdown(md, { maxTokens: 120, overlapTokens: 0 });
    const squash = (text: string) => text.replace(/\s+/g, " ").trim();
    expect(squash(noOverlap.map((c) => c.text).join(" "))).toBe(squash(md.replace(/^# Long/, "")));
  });

  it("splits an oversized paragraph at sentence ends, then words", () => {
    const chunks = chunkMarkdown(paragraph(0, 60), { maxTokens: 50, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.text).toMatch(/\.$/); // every chunk ends at a sentence end
    const words = chunkMarkdown("word ".repeat(500), { maxTokens: 50, overlapTokens: 0 });
    expect(words.length).toBeGreaterThanOrEqual(10);
    for (const c of words) expect(c.tokenCount).toBeLessThanOrEqual(52);
  });
});

describe("code fences", () => {
  const fence = (lines: number) =>
    [
      "```ts",
      ...Array.from({ length: lines }, (_, i) => `const value${i} = compute(${i}); // line ${i}`),
      "```",
    ].join("\n");

  it("cuts a fence over the limit at line ends into fenced pieces, each within the limit", () => {
    const big = fence(80);
    const md = `# Code\n\n${paragraph(0, 8)}\n\n${big}\n\n${paragraph(100, 8)}`;
    const chunks = chunkMarkdown(md, { maxTokens: 100, overlapTokens: 20 });
    const withFence = chunks.filter((c) => c.text.includes("```"));
    expect(withFence.length).toBeGreaterThan(1);
    for (const c of withFence) expect(c.tokenCount).toBeLessThanOrEqual(100);
    expect(withFence.flatMap((c) => c.text.split("\n").filter((l) => l.startsWith("const ")))).toEqual(
      big.split("\n").filter((l) => l.startsWith("const ")),
    );
    for (const c of chunks) expect((c.text.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it("keeps small fences whole and never overlaps into a fence", () => {
    const md = Array.from({ length: 6 }, (_, i) => `${paragraph(i * 5, 3)}\n\n${fence(4)}`).join("\n\n");
    const chunks = chunkMarkdown(md, { maxTokens: 150, overlapTokens: 40 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect((c.text.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });

  it("treats an unclosed fence as running to the end", () => {
    const chunks = chunkMarkdown("# A\n\ntext\n\n```\n# not a heading\ncode");
    expect(chunks.map((c) => c.headingPath)).toEqual(["A"]);
    expect(chunks[0]?.text).toContain("# not a heading");
  });
});

describe("empty, huge and invalid input", () => {
  it("gives zero chunks for empty or blank files", () => {
    expect(parseDocument({ fileName: "empty.md", text: "" }).chunks).toEqual([]);
    expect(parseDocument({ fileName: "blank.txt", text: "\n\n   \n" }).chunks).toEqual([]);
    expect(parseDocument({ fileName: "only-headings.md", text: "# A\n\n## B\n" }).chunks).toEqual([]);
    expect(parseDocument({ fileName: "fm.md", text: "---\ntitle: T\n---\n" }).chunks).toEqual([]);
  });

  it("chunks huge files in roughly linear time", () => {
    const section = (i: number) => `## Part ${i}\n\n${paragraph(i, 6)}\n\n${paragraph(i + 50, 6)}\n\n`;
    const build = (n: number) => Array.from({ length: n }, (_, i) => section(i)).join("");
    const small = build(250); // ~120 kB
    const large = build(1000); // ~480 kB
    const time = (text: string) => {
      const start = performance.now();
      const chunks = chunkMarkdown(text, { mergeSections: false });
      return { ms: performance.now() - start, chunks: chunks.length };
    };
    time(small); // warm up the tokenizer
    const a = time(small);
    const b = time(large);
    expect(b.chunks).toBeGreaterThanOrEqual(1000);
    expect(b.ms).toBeLessThan(Math.max(20 * a.ms, 1500)); // 4x the input: linear ≈ 4x, quadratic ≈ 16x+
    expect(b.ms).toBeLessThan(10_000);
  });

  it("copes with a megabyte-long line without whitespace", () => {
    const chunks = parseDocument(
      { fileName: "blob.txt", text: "x".repeat(1_000_000) },
      { overlapTokens: 0 },
    ).chunks;
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.map((c) => c.text.replace(/ /g, "")).join("")).toHaveLength(1_000_000);
  });

  it("rejects bytes that are not UTF-8, naming the file", () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café" in Latin-1
    expect(() => decodeUtf8(latin1, "docs/old.txt")).toThrow(InvalidTextError);
    expect(() => decodeUtf8(latin1, "docs/old.txt")).toThrow(/docs\/old\.txt is not valid UTF-8/);
    const utf8 = new TextEncoder().encode("\uFEFFcafé");
    expect(decodeUtf8(utf8, "ok.md")).toBe("café"); // the BOM is dropped
  });

  it("treats special-token strings and NUL characters as plain text", () => {
    const chunks = chunkMarkdown("Text with <|endoftext|> inside and a \u0000 NUL.");
    expect(chunks[0]?.text).toContain("<|endoftext|>");
    expect(chunks[0]?.text).not.toContain("\u0000");
  });
});

describe("reading only a document's beginning", () => {
  const merged = Array.from({ length: 40 }, (_, i) => `## Small ${i}\n\n${sentence(i)}`).join("\n\n");
  const longSection = `# One section\n\n${Array.from({ length: 60 }, (_, i) => paragraph(i * 5, 5)).join("\n\n")}`;
  const fence = `# Code\n\nBefore.\n\n\`\`\`js\n${Array.from({ length: 400 }, (_, i) => `const v${i} = ${i};`).join("\n")}\n\`\`\`\n\nAfter.`;
  const plain = Array.from({ length: 50 }, (_, i) => paragraph(i * 3, 3)).join("\n\n");
  const cases = [
    { fileName: "merged.md", text: merged },
    { fileName: "long.md", text: longSection },
    { fileName: "fence.md", text: fence },
    { fileName: "plain.txt", text: plain },
    { fileName: "mixed.md", text: [merged, longSection, fence].join("\n\n") },
  ];

  it("gives exactly the whole document's first chunks, and says it stopped", () => {
    for (const input of cases) {
      const whole = parseDocument(input);
      expect(whole.complete).toBe(true);
      const total = whole.chunks.reduce((sum, c) => sum + c.tokenCount, 0);
      for (const stopAfterTokens of [0, 150, 401, 1000, 2500, total - 1].filter((n) => n < total)) {
        const part = parseDocument(input, { stopAfterTokens });
        const tokens = part.chunks.reduce((sum, c) => sum + c.tokenCount, 0);
        expect(part.chunks, `${input.fileName} stopped after ${stopAfterTokens}`).toEqual(
          whole.chunks.slice(0, part.chunks.length),
        );
        // It stops with the first chunk past the limit, so the caller sees that there is more.
        expect(tokens).toBeGreaterThan(stopAfterTokens);
        expect(tokens - (part.chunks.at(-1)?.tokenCount ?? 0)).toBeLessThanOrEqual(stopAfterTokens);
        // Never "complete" with chunks left out (a stop on the last chunk may not know it was the last).
        if (part.chunks.length < whole.chunks.length) expect(part.complete).toBe(false);
      }
      expect(parseDocument(input, { stopAfterTokens: total })).toEqual(whole);
    }
  });
});

describe("titles and frontmatter", () => {
  it("takes the frontmatter title, else the first H1, else the file name", () => {
    expect(
      parseDocument({ fileName: "a.md", text: '---\ntitle: "From: frontmatter"\n---\n# H1\n\nx' }).title,
    ).toBe("From: frontmatter");
    expect(parseDocument({ fileName: "a.md", text: "## H2\n\n# The H1\n\nx" }).title).toBe("The H1");
    expect(parseDocument({ fileName: "dir/some-file.md", text: "no headings" }).title).toBe("some-file");
    expect(parseDocument({ fileName: "notes.txt", text: "# not a heading in text" }).title).toBe("notes");
  });

  it("reads simple frontmatter scalars and strips the block", () => {
    const { data, body } = extractFrontmatter(
      "---\ntitle: Hello # comment\ntags:\n  - a\ndesc: 'quoted'\n---\nBody",
    );
    expect(data).toEqual({ title: "Hello", desc: "quoted" });
    expect(body).toBe("Body");
    expect(extractFrontmatter("no frontmatter").body).toBe("no frontmatter");
  });

  it("maps extensions to formats", () => {
    expect(formatForPath("a/b.MD")).toBe("markdown");
    expect(formatForPath("x.mdx")).toBe("mdx");
    expect(formatForPath("x.htm")).toBe("html");
    expect(formatForPath("x.txt")).toBe("text");
    expect(formatForPath("x.pdf")).toBeNull();
    expect(formatForPath("dir.md/file")).toBeNull();
  });
});

describe("plain text", () => {
  it("splits paragraphs with no heading paths", () => {
    const doc = parseDocument({ fileName: "a.txt", text: "# literal hash\n\n```\nnot code\n" });
    expect(doc.chunks).toHaveLength(1);
    expect(doc.chunks[0]?.headingPath).toBe("");
  });
});

describe("MDX", () => {
  const mdx = [
    "---",
    "title: MDX page",
    "---",
    "import { Callout } from '../components/Callout'",
    "import Tabs, {",
    "  Tab,",
    "} from 'tabs'",
    "export const meta = {",
    "  author: 'me',",
    "}",
    "",
    "# Hello",
    "",
    '<Callout type="info">',
    "This text is inside a callout.",
    "</Callout>",
    "",
    "<Tabs",
    "  items={['a', 'b']}",
    ">",
    "Tab body with an inline <Badge>new</Badge> badge.",
    "</Tabs>",
    "",
    "{/* a comment */}",
    "",
    "```jsx",
    "import React from 'react'",
    "<Component />",
    "```",
    "",
    "export default function Layout({ children }) {",
    "  return <div>{children}</div>",
    "}",
  ].join("\n");

  it("drops ESM and JSX-only lines but keeps prose and code", () => {
    const doc = parseDocument({ fileName: "page.mdx", text: mdx });
    expect(doc.title).toBe("MDX page");
    const text = doc.chunks.map((c) => c.text).join("\n\n");
    expect(text).toContain("This text is inside a callout.");
    expect(text).toContain("Tab body with an inline new badge.");
    expect(text).toContain("import React from 'react'\n<Component />"); // code fence untouched
    expect(text).not.toMatch(/Callout|Tabs|author|children|a comment|from 'tabs'/);
    expect(doc.chunks.every((c) => c.headingPath === "Hello")).toBe(true);
  });

  it("never lets an unterminated statement or tag swallow the rest of the file", () => {
    const text = stripMdx(
      "export const broken = {\n\nFirst paragraph.\n\n<Unclosed attr\n\nSecond paragraph.",
    );
    expect(text).toContain("First paragraph.");
    expect(text).toContain("Second paragraph.");
  });

  it("stripMdx leaves plain Markdown alone", () => {
    const md = "# Title\n\nSome *text* with <b>html</b>.\n\n- list";
    expect(stripMdx(md)).toBe(md);
  });
});

describe("HTML", () => {
  const html = `<!doctype html>
<html><head><title>Page &amp; Title</title><style>h1 { color: red }</style>
<script>if (a < b) { document.write("<h1>nope</h1>") }</script></head>
<body>
<nav><a href="/">Home</a></nav>
<h1>Main <em>heading</em></h1>
<p>First   paragraph with <code>inline code</code> and an entity: caf&eacute; &#233; &#x2014;.</p>
<h2>Lists</h2>
<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
<h3>Code</h3>
<pre><code class="language-js">if (a &lt; b) {
  return "\`\`\`";
}</code></pre>
<p>Line<br>break</p>
<table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>
<!-- a comment -->
<svg><text>drawing</text></svg>
<unknown-tag>kept text</unknown-tag>
</body></html>`;

  it("converts headings, paragraphs, lists, tables and pre blocks", () => {
    const { markdown, title } = htmlToMarkdown(html);
    expect(title).toBe("Page & Title");
    expect(markdown).toContain("# Main heading");
    expect(markdown).toContain("First paragraph with `inline code` and an entity: caf&eacute; é —.");
    expect(markdown).toContain("## Lists");
    expect(markdown).toMatch(/- one\n- two\n {2}- nested/);
    expect(markdown).toContain('````\nif (a < b) {\n  return "```";\n}\n````');
    expect(markdown).toContain("Line\nbreak");
    expect(markdown).toContain("Key | Value\na | 1");
    expect(markdown).toContain("kept text");
    expect(markdown).not.toMatch(/color|document\.write|nope|drawing|a comment/);
  });

  it("chunks HTML by its headings", () => {
    const doc = parseDocument({ fileName: "page.html", text: html }, { mergeSections: false });
    expect(doc.title).toBe("Page & Title");
    expect(doc.chunks.map((c) => c.headingPath)).toEqual([
      "",
      "Main heading",
      "Main heading > Lists",
      "Main heading > Lists > Code",
    ]);
    const code = doc.chunks.find((c) => c.headingPath.endsWith("Code"));
    expect(code?.text.startsWith("````")).toBe(true);
  });

  it("falls back to the first h1 for the title, and escapes text that looks like Markdown", () => {
    const doc = parseDocument({ fileName: "x.htm", text: "<h1>Only H1</h1><p># not a heading</p>" });
    expect(doc.title).toBe("Only H1");
    expect(doc.chunks.map((c) => c.headingPath)).toEqual(["Only H1"]);
  });
});
