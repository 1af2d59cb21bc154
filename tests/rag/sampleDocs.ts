import { readdirSync } from "node:fs";

// The sample knowledge base is the project's own docs/ folder, which grows with the project. Tests
// count its documents instead of hard-coding a number, so a new page in docs/ breaks nothing.

const DOCS = new URL("../../docs/", import.meta.url).pathname;

/** Files ingest reads under docs/ (Markdown, MDX, text, HTML; hidden entries skipped). */
export const SAMPLE_DOC_COUNT = readdirSync(DOCS, { recursive: true, encoding: "utf8" }).filter(
  (path) => /\.(md|mdx|markdown|txt|html?)$/i.test(path) && !path.split("/").some((p) => p.startsWith(".")),
).length;
