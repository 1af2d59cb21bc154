// What a conversation's attached files cost each answer before its first token (the route's
// `attachedDocuments` step, on the event loop), for one file of 1 MiB and for the most a request may
// carry (four). Baseline in the same run: the chunker alone on the same text. Every question sends the
// files again: the first question of a conversation decodes and chunks them, a later one finds what was
// read. Run: npm run bench:documents. Writes bench/results/attached-documents.json.
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
const parts = texts.map((text, i) => documentPart(`file-${i}.md`, "text/markdown", text));
const conversation = (files: number): ChatMessage[] => [
  { id: "u1", role: "user", parts: [...parts.slice(0, files), { type: "text", text: "Summarize these." }] },
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
const rows = [1, 4].map((files) => {
  const messages = conversation(files);
  const chunker = time(() => {
    for (const text of texts.slice(0, files)) parseDocument({ fileName: "f.md", text, format: "markdown" });
  }, 5);
  // A new conversation's first question: nothing read yet for this asker.
  const first = time(() => attachedDocuments(messages, { scope: `bench-${conversationId++}` }), 5);
  const scope = `bench-${conversationId++}`;
  attachedDocuments(messages, { scope });
  const later = time(() => attachedDocuments(messages, { scope }), 50);
  return { files, chunkerMs: chunker, firstQuestionMs: first, laterQuestionMs: later };
});

const lines = [
  `Attached files, ms of the event loop before the first token (Node ${process.version}); files of ${(DOCUMENT_LIMITS.textBytes / 1024 / 1024).toFixed(0)} MiB each`,
  "",
  "| files | the chunker alone (baseline) | first question | later question | later ÷ baseline |",
  "| ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.files} | ${r.chunkerMs} | ${r.firstQuestionMs} | ${r.laterQuestionMs} | ${(r.laterQuestionMs / r.chunkerMs).toFixed(3)} |`,
  ),
];
console.info(lines.join("\n"));
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/attached-documents.json",
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
