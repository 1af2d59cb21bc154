// What a conversation's attached files cost each answer before its first token (the route's
// `attachedDocuments` step, on the event loop), for one Markdown file of 1 MiB, for the most a request
// may carry (four), and for a 1 MiB log (one paragraph to the chunker). Baseline in the same run: the
// chunker on the whole of the same text. Every question sends the files again: the first question of a
// conversation decodes and chunks the beginning of each, a later one finds what was read. Run: npm run bench:documents. Writes bench/results/attached-documents.json.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { DOCUMENT_LIMITS, documentPart } from "../src/lib/api/documents.ts";
import { attachedDocuments } from "../src/lib/chat/attachedDocuments.ts";
import type { ChatMessage } from "../src/lib/chat/messages.ts";
import { parseDocument } from "../src/lib/rag/chunker.ts";

const docs = readdirSync("docs")
  .filter((name) => name.endsWith(".md"))
  .map((name) => readFileSync(`docs/${name}`, "utf8"))
  .join("\n\n");
const fileText = (n: number) => {
  let text = "";
  for (let i = 0; text.length < DOCUMENT_LIMITS.textBytes; i++)
    text += `\n\n# File ${n}, copy ${i}\n\n${docs}`;
  return text.slice(0, DOCUMENT_LIMITS.textBytes - 1024);
};
const texts = [0, 1, 2, 3].map(fileText);
// A log or CSV export: lines without a blank one between them, one paragraph to the chunker.
let log = "";
for (let i = 0; log.length < DOCUMENT_LIMITS.textBytes - 1024; i++)
  log += `2026-12-07T10:${String(i % 60).padStart(2, "0")}:00Z crane ${i % 9} lifted container ${100000 + i}\n`;
const files = [
  ...texts.map((text, i) => ({
    text,
    part: documentPart(`file-${i}.md`, "text/markdown", text),
    format: "markdown" as const,
  })),
  { text: log, part: documentPart("crane.log.txt", "text/plain", log), format: "text" as const },
] as const;
const conversation = (chosen: readonly (typeof files)[number][]): ChatMessage[] => [
  {
    id: "u1",
    role: "user",
    parts: [...chosen.map((f) => f.part), { type: "text", text: "Summarize these." }],
  },
];

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
const time = (fn: () => unknown, rounds: number) => {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return Math.round(median(samples) * 100) / 100;
};

let conversationId = 0;
const cases = [
  { label: "1 Markdown", chosen: files.slice(0, 1) },
  { label: "4 Markdown", chosen: files.slice(0, 4) },
  { label: "1 plain-text log", chosen: files.slice(4) },
];
const rows = cases.map(({ label, chosen }) => {
  const messages = conversation(chosen);
  const chunker = time(() => {
    for (const { text, format } of chosen) parseDocument({ fileName: "f", text, format });
  }, 5);
  // A new conversation's first question: nothing read yet for this asker.
  const first = time(() => attachedDocuments(messages, { scope: `bench-${conversationId++}` }), 5);
  const scope = `bench-${conversationId++}`;
  attachedDocuments(messages, { scope });
  const later = time(() => attachedDocuments(messages, { scope }), 50);
  return { files: label, chunkerMs: chunker, firstQuestionMs: first, laterQuestionMs: later };
});

const lines = [
  `Attached files, ms of the event loop before the first token (Node ${process.version}); files of ${(DOCUMENT_LIMITS.textBytes / 1024 / 1024).toFixed(0)} MiB each`,
  "",
  "| files | the whole file chunked (baseline) | first question | ÷ baseline | later question | ÷ baseline |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.files} | ${r.chunkerMs} | ${r.firstQuestionMs} | ${(r.firstQuestionMs / r.chunkerMs).toFixed(3)} | ${r.laterQuestionMs} | ${(r.laterQuestionMs / r.chunkerMs).toFixed(3)} |`,
  ),
];
console.info(lines.join("\n"));
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/attached-documents.json",
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
