// The emulator's "model": a deterministic answer that is recognisably derived from the prompt, with a
// RAG citation when the system prompt carries <source id="N">…</source> blocks.
import { createHash } from "node:crypto";

/** An image part as the engine received it: its media type and decoded size. */
export type ImageSeen = { mediaType: string; bytes: number };

export type ChatMessage = { role: string; content: string; images?: ImageSeen[] };

const FILLERS = [
  "The emulator streams its reply one word at a time so clients can render partial output.",
  "Every chunk carries running usage statistics, just like the real Chutes gateway does.",
  "Nothing here came from a real language model, so treat these words as test data.",
  "Asking the same question again returns exactly the same words in the same order.",
  "Billing is simulated for the signed-in account and no real money ever moves.",
  "Ask for a long answer when you need a longer stream to interrupt halfway.",
  "Sources, when the system prompt provides them, are cited with bracketed numbers.",
] as const;

const STOPWORDS = new Set(
  (
    "a an and are as at be but by can do does for from has have how i if in is it its me my of on or " +
    "our so that the their then there these this to was we what when where which who why will with you your"
  ).split(" "),
);

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

const contentWords = (text: string): Set<string> => new Set(words(text).filter((w) => !STOPWORDS.has(w)));

export type SourceBlock = { id: string; title: string; text: string };

/** `<source id="N" title="..." ...>text</source>` blocks, in order of appearance. */
export function parseSources(text: string): SourceBlock[] {
  const blocks: SourceBlock[] = [];
  // Only tags with an id: prose may mention a bare "<source>" element (the app's instructions do).
  for (const match of text.matchAll(/<source\b(?=[^>]*\bid\s*=)([^>]*)>([\s\S]*?)<\/source>/g)) {
    const attrs = match[1] ?? "";
    const id = /\bid\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1];
    if (id === undefined) continue;
    const title = /\btitle\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1] ?? "";
    blocks.push({ id, title, text: (match[2] ?? "").trim() });
  }
  return blocks;
}

/**
 * The source a model would cite: the first (highest-ranked) block that clearly relates to the
 * question (shares at least two of its content words, or all of them when it has fewer), else the
 * block sharing the most. The app ranks sources best first, so this tests its ranking, not ours.
 */
export function bestSource(blocks: SourceBlock[], question: string): SourceBlock | undefined {
  const asked = contentWords(question);
  const needed = Math.min(2, asked.size);
  let best: SourceBlock | undefined;
  let bestShared = -1;
  for (const block of blocks) {
    let shared = 0;
    for (const w of contentWords(block.text)) if (asked.has(w)) shared++;
    if (needed > 0 && shared >= needed) return block;
    if (shared > bestShared) {
      best = block;
      bestShared = shared;
    }
  }
  return best;
}

function lastUser(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === "user") return m;
  }
  return undefined;
}

const lastUserText = (messages: ChatMessage[]): string => lastUser(messages)?.content ?? "";

/** "Received 2 images: image/png 1234 bytes, image/jpeg 99 bytes." so tests can prove the bytes arrived. */
export function describeImages(images: ImageSeen[]): string {
  const each = images.map((i) =>
    i.mediaType === "remote" ? "a remote image" : `${i.mediaType} ${i.bytes} bytes`,
  );
  return `Received ${images.length} image${images.length === 1 ? "" : "s"}: ${each.join(", ")}.`;
}

function seed(text: string): number {
  return createHash("sha1").update(text).digest().readUInt32BE(0);
}

export function composeAnswer(model: string, messages: ChatMessage[]): string {
  const question = lastUserText(messages).trim();
  const system = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map((m) => m.content)
    .join("\n");
  const parts = [
    `You asked: "${question}".`,
    `This is a deterministic reply from the Chutes emulator (${model}).`,
  ];
  const images = lastUser(messages)?.images ?? [];
  if (images.length > 0) parts.splice(1, 0, describeImages(images));

  const source = bestSource(parseSources(system), question);
  if (source) {
    const quote = source.text.split(/\s+/).filter(Boolean).slice(0, 12).join(" ");
    parts.push(`According to the knowledge base, "${quote}" [${source.id}].`);
  }

  const start = seed(question) % FILLERS.length;
  const long = /\blong answer\b/i.test(question);
  const fillerCount = long ? Number.POSITIVE_INFINITY : source ? 1 : 2;
  let count = 0;
  for (let i = 0; i < fillerCount; i++) {
    const sentence = FILLERS[(start + i) % FILLERS.length] ?? "";
    parts.push(long ? `Point ${i + 1}: ${sentence}` : sentence);
    count = parts.join(" ").split(/\s+/).length;
    if (long && count >= 400) break;
  }
  return parts.join(" ");
}

/** Splits text into stream tokens that concatenate back to the exact text (leading spaces kept). */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/** A rough, deterministic token count for usage numbers (about four characters per token). */
export function countTokens(messages: ChatMessage[]): number {
  return messages.reduce(
    (sum, m) => sum + 4 + Math.ceil(m.content.length / 4) + IMAGE_TOKENS * (m.images?.length ?? 0),
    2,
  );
}

/** Prompt tokens one image costs (Gemma 3 encodes every image as 256 soft tokens plus its markers). */
const IMAGE_TOKENS = 258;

/**
 * What a reasoning model "thinks" before answering: deterministic, derived from the question and
 * the sources, so tests can tell it apart from the answer (it never starts with "You asked").
 */
export function composeReasoning(messages: ChatMessage[]): string {
  const question = lastUserText(messages).trim();
  const system = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map((m) => m.content)
    .join("\n");
  const source = bestSource(parseSources(system), question);
  const parts = [
    `The user wants to know: "${question}".`,
    source
      ? `Source [${source.id}] looks relevant, so I should quote it and cite it.`
      : "No source in the prompt covers this, so I will answer from what I know.",
    "Keep the reply short, plain and deterministic.",
  ];
  return parts.join(" ");
}
