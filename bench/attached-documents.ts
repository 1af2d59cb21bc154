// What a conversation's attached files cost each answer before its first token (the route's
// `attachedDocuments` step, on the event loop), for one Markdown file of 1 MiB, for the most a request
// may carry (four), and for a 1 MiB log (one paragraph to the chunker). Baseline in the same run: the
// chunker on the whole of the same text. Every question sends the files again: the first question of a
// conversation decodes and chunks the beginning of each, a later one finds what was read. Also the
// history budget, which counts the newest turns' tokens on every question: a long conversation with
// an old paste, against counting every turn whole. Run: npm run bench:documents. Writes bench/results/attached-documents.json.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { HISTORY_TOKEN_BUDGET } from "../src/lib/api/chat.ts";
import { DOCUMENT_LIMITS, documentPart } from "../src/lib/api/documents.ts";
import { attachedDocuments } from "../src/lib/chat/attachedDocuments.ts";
import { fitHistory } from "../src/lib/chat/historyBudget.ts";
import type { ChatMessage } from "../src/lib/chat/messages.ts";
import { parseDocument } from "../src/lib/rag/chunker.ts";
import { countTokens, countTokensUpTo } from "../src/lib/rag/tokens.ts";

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

// The history budget as the route runs it (each turn counted only up to the room left) against every
// turn counted whole, the baseline: 20 short recent turns, and a ~440 KB paste before them.
const turnText = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag} word ${i}.`).join(" ");
const longHistory = [{ role: "user", text: turnText(25_000, "paste") }];
for (let i = 0; i < 20; i++)
  longHistory.push({ role: i % 2 ? "user" : "assistant", text: turnText(i % 2 ? 10 : 40, "t") });
const history = {
  pasteCharacters: longHistory[0]?.text.length ?? 0,
  countedWholeMs: time(() => fitHistory(longHistory, HISTORY_TOKEN_BUDGET, (m) => countTokens(m.text)), 31),
  upToRoomMs: time(
    () =>
      fitHistory(longHistory, HISTORY_TOKEN_BUDGET, (m, room) => countTokensUpTo(m.text, Math.max(0, room))),
    31,
  ),
};

const lines = [
  `Attached files, ms of the event loop before the first token (Node ${process.version}); files of ${(DOCUMENT_LIMITS.textBytes / 1024 / 1024).toFixed(0)} MiB each`,
  "",
  "| files | the whole file chunked (baseline) | first question | ÷ baseline | later question | ÷ baseline |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.files} | ${r.chunkerMs} | ${r.firstQuestionMs} | ${(r.firstQuestionMs / r.chunkerMs).toFixed(3)} | ${r.laterQuestionMs} | ${(r.laterQuestionMs / r.chunkerMs).toFixed(3)} |`,
  ),
  "",
  `History budget (${HISTORY_TOKEN_BUDGET} tokens), 20 recent turns after a paste of ${history.pasteCharacters} characters: every turn counted whole (baseline) ${history.countedWholeMs} ms, up to the room left ${history.upToRoomMs} ms (÷ baseline ${(history.upToRoomMs / history.countedWholeMs).toFixed(3)})`,
];
console.info(lines.join("\n"));
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/attached-documents.json",
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows, history }, null, 2)}\n`,
);
