// Turns a document (Markdown, MDX, plain text or HTML) into heading-aware, token-bounded chunks.
// Pure functions: no I/O, no database. Everything is linear in the input size.
//
// The rules, with examples, are in docs/dev/chunking.md. In short:
// - Each chunk carries its heading path ("H1 > H2 > H3"). Consecutive small sections are merged into one
//   chunk up to `maxTokens`: the chunk's path is the sections' common ancestor and each merged section's
//   heading stays in the text as a Markdown heading line.
// - Blocks (paragraphs, lists, code fences) are packed greedily up to `maxTokens`; consecutive chunks of a
//   section share about `overlapTokens` tokens of text.
// - A code fence longer than `maxTokens` is cut at line boundaries, each piece re-fenced with the same
//   opening line; overlap never copies part of a fence.
// - Paragraphs longer than `maxTokens` are split at sentence or line ends, then at word boundaries.
// - HTML inside Markdown is stripped outside code: <script>/<style> elements and comments with their
//   content, other tags keeping their text.

import { InvalidTextError } from "./errors.ts";
import { htmlToMarkdown } from "./html.ts";
import { CHUNK_MAX_TOKENS, CHUNK_OVERLAP_TOKENS, SUPPORTED_EXTENSIONS } from "./settings.ts";
import { countTokens, countTokensUpTo } from "./tokens.ts";

export type DocumentFormat = (typeof SUPPORTED_EXTENSIONS)[keyof typeof SUPPORTED_EXTENSIONS];

export interface ChunkDraft {
  /** 0-based position of the chunk in its document. */
  ordinal: number;
  /** Headings above the chunk, outermost first, joined with " > "; "" before the first heading. */
  headingPath: string;
  text: string;
  tokenCount: number;
}

export interface ParsedDocument {
  /** Frontmatter `title`, else the first H1 (or HTML <title>), else the file name without extension. */
  title: string;
  format: DocumentFormat;
  chunks: ChunkDraft[];
  /** False when `stopAfterTokens` stopped the chunking: there may be more (true: these are all). */
  complete: boolean;
  /**
   * The chunks' tokens when complete. Else an estimate of what all would hold: the tokens per
   * character of the chunks made, times the characters of the whole document's text blocks.
   */
  totalTokens: number;
}

export interface ChunkOptions {
  maxTokens?: number;
  overlapTokens?: number;
  /** Merge consecutive small sections up to maxTokens (default true); false = one section per chunk. */
  mergeSections?: boolean;
}

/** For a caller that reads only a document's beginning (an attached file within its budget). */
export interface PrefixOptions extends ChunkOptions {
  /**
   * Stop once the chunks made hold more than this many tokens. The chunks given are then exactly the
   * whole document's first ones: chunking is greedy and in order.
   */
  stopAfterTokens?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes UTF-8 bytes (a leading BOM is dropped); anything else is rejected naming the file. */
export function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InvalidTextError(fileName);
  }
}

/** The format a file is parsed as, from its extension; null for unsupported files. */
export function formatForPath(path: string): DocumentFormat | null {
  const dot = path.lastIndexOf(".");
  if (dot === -1 || dot < path.lastIndexOf("/")) return null;
  const ext = path.slice(dot).toLowerCase();
  return Object.hasOwn(SUPPORTED_EXTENSIONS, ext)
    ? SUPPORTED_EXTENSIONS[ext as keyof typeof SUPPORTED_EXTENSIONS]
    : null;
}

/** Parses and chunks one document. `fileName` gives the fallback title and, without `format`, the format. */
export function parseDocument(
  input: { fileName: string; text: string; format?: DocumentFormat },
  options: PrefixOptions = {},
): ParsedDocument {
  const format = input.format ?? formatForPath(input.fileName) ?? "text";
  const fallbackTitle = baseName(input.fileName);
  const text = normalizeNewlines(input.text);

  if (format === "text") {
    const blocks = splitParagraphs(text).map((t): Block => ({ kind: "text", text: t }));
    return { title: fallbackTitle, format, ...chunkBlocks(blocks, options) };
  }
  if (format === "html") {
    const { markdown, title } = htmlToMarkdown(text);
    const blocks = parseMarkdownBlocks(markdown);
    return {
      title: title || firstH1(blocks) || fallbackTitle,
      format,
      ...chunkBlocks(blocks, options),
    };
  }
  const { data, body } = extractFrontmatter(text);
  const blocks = parseMarkdownBlocks(stripHtmlFromMarkdown(format === "mdx" ? stripMdx(body) : body));
  return {
    title: data.title || firstH1(blocks) || fallbackTitle,
    format,
    ...chunkBlocks(blocks, options),
  };
}

/** Chunks Markdown text (no frontmatter handling). */
export function chunkMarkdown(markdown: string, options: ChunkOptions = {}): ChunkDraft[] {
  return chunkBlocks(parseMarkdownBlocks(stripHtmlFromMarkdown(normalizeNewlines(markdown))), options).chunks;
}

// ---------------------------------------------------------------------------------------------------------
// Frontmatter and MDX

/**
 * Splits off a leading `---` YAML block and reads its top-level `key: value` scalars (quotes removed).
 * Nested YAML is ignored; only simple fields such as `title` are needed.
 */
export function extractFrontmatter(text: string): { data: Record<string, string>; body: string } {
  const match = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { data: {}, body: text };
  const data: Record<string, string> = {};
  for (const line of (match[1] ?? "").split("\n")) {
    const kv = /^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!kv?.[1]) continue;
    let value = kv[2] ?? "";
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? "";
    else value = value.replace(/[ \t]+#.*$/, "");
    if (value !== "" && !/^[|>][-+]?$/.test(value)) data[kv[1]] = value;
  }
  return { data, body: text.slice(match[0].length) };
}

/**
 * Reduces MDX to Markdown: drops ESM `import`/`export` statements, lines that hold only JSX tags or `{...}`
 * expressions, and multi-line JSX tags; inline capitalised components are removed, keeping their text.
 * Code fences are left untouched.
 */
export function stripMdx(source: string): string {
  const lines = source.split("\n");
  const out: string[] = [];
  let fence: RegExp | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (fence) {
      out.push(line);
      if (fence.test(line)) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open?.[1]) {
      fence = closingFence(open[1]);
      out.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (/^(import|export)[\s{*]/.test(line)) {
      // Skip the whole statement, which may span lines: balance brackets until a line ends it. A statement
      // that seems not to end within MAX_SKIP lines is treated as one line, so no prose is lost.
      let end = i;
      let depth = 0;
      for (let j = i; j < Math.min(lines.length, i + MAX_SKIP); j++) {
        const current = lines[j] ?? "";
        depth += bracketBalance(current);
        const t = current.trim();
        if (depth <= 0 && !/[,{([=]$|=>$/.test(t) && !(j === i && /^(import|export)\s*(\{|$)/.test(t))) {
          end = j;
          break;
        }
      }
      i = end;
      continue;
    }
    if (/^<[A-Za-z][\w.:-]*(\s[^>]*)?$/.test(trimmed)) {
      // A JSX tag opened on this line and closed on a later one: skip up to the line that closes it.
      let end = i;
      for (let j = i + 1; j < Math.min(lines.length, i + MAX_SKIP); j++) {
        if ((lines[j] ?? "").includes(">")) {
          end = j;
          break;
        }
      }
      i = end;
      continue;
    }
    if (JSX_ONLY_LINE.test(trimmed) || /^\{[\s\S]*\}$/.test(trimmed)) continue;
    out.push(line.replace(/<\/?[A-Z][\w.]*(\s[^<>]*)?\/?>/g, ""));
  }
  return out.join("\n");
}

const MAX_SKIP = 40;

const JSX_ONLY_LINE =
  /^(?:<\/?(?:[A-Za-z][\w.:-]*(?:\s(?:[^<>"'{}]|"[^"]*"|'[^']*'|\{[^{}]*\})*)?)?\/?>\s*)+$/;

function bracketBalance(line: string): number {
  let depth = 0;
  for (const ch of line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, "")) {
    if (ch === "{" || ch === "(" || ch === "[") depth++;
    else if (ch === "}" || ch === ")" || ch === "]") depth--;
  }
  return depth;
}

// ---------------------------------------------------------------------------------------------------------
// Markdown blocks

type Block = { kind: "heading"; level: number; text: string } | { kind: "code" | "text"; text: string };

const FENCE_OPEN = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;

function closingFence(marker: string): RegExp {
  const ch = marker[0] === "~" ? "~" : "`";
  return new RegExp(`^ {0,3}${ch}{${marker.length},}[ \\t]*$`);
}

/** Splits Markdown into headings, code fences and text blocks (paragraphs, lists, tables, quotes). */
function parseMarkdownBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    const text = para.join("\n").trimEnd();
    if (text.trim() !== "") blocks.push({ kind: "text", text });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const open = FENCE_OPEN.exec(line);
    if (open?.[1]) {
      flush();
      const close = closingFence(open[1]);
      const start = i;
      // An unclosed fence runs to the end of the document, as in CommonMark.
      while (++i < lines.length && !close.test(lines[i] ?? "")) {}
      blocks.push({ kind: "code", text: lines.slice(start, i + 1).join("\n") });
      continue;
    }
    const atx = ATX_HEADING.exec(line);
    if (atx?.[1]) {
      flush();
      blocks.push({ kind: "heading", level: atx[1].length, text: cleanHeading(atx[2] ?? "") });
      continue;
    }
    const setext = SETEXT_UNDERLINE.exec(line);
    const lastLine = para[para.length - 1];
    if (
      setext?.[1] &&
      para.length === 1 &&
      lastLine !== undefined &&
      !/^\s*([-*+>|]|\d+[.)])\s/.test(lastLine)
    ) {
      para = [];
      blocks.push({ kind: "heading", level: setext[1][0] === "=" ? 1 : 2, text: cleanHeading(lastLine) });
      continue;
    }
    if (line.trim() === "") flush();
    else para.push(line);
  }
  flush();
  return blocks;
}

/** Heading text without Markdown decoration: links keep their text, emphasis and code marks go. */
function cleanHeading(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, "$2")
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * HTML inside Markdown, outside code fences and code spans: <script>, <style> and <template> elements and
 * comments go with their content (a JSON widget blob is not prose); other tags go, their text stays.
 */
export function stripHtmlFromMarkdown(markdown: string): string {
  const out: string[] = [];
  let prose: string[] = [];
  const flushProse = () => {
    if (prose.length === 0) return;
    out.push(stripHtmlProse(prose.join("\n")));
    prose = [];
  };
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const open = FENCE_OPEN.exec(line);
    if (!open?.[1]) {
      prose.push(line);
      continue;
    }
    flushProse();
    const close = closingFence(open[1]);
    out.push(line);
    while (++i < lines.length) {
      out.push(lines[i] ?? "");
      if (close.test(lines[i] ?? "")) break;
    }
  }
  flushProse();
  return out.join("\n");
}

const HTML_DROP = /<(script|style|template)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?(?:-->|$)/gi;
const HTML_TAG = /<\/?[A-Za-z][\w:-]*(?:\s+[^<>]*?)?\s*\/?>/g;

function stripHtmlProse(text: string): string {
  // Code spans keep their tags: `<div>` in a sentence is what the document is about.
  return text
    .split(/(`+[^`\n]*?`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(HTML_DROP, "").replace(HTML_TAG, "")))
    .join("")
    .replace(/^[ \t]+$/gm, "");
}

function firstH1(blocks: Block[]): string | undefined {
  for (const b of blocks) if (b.kind === "heading" && b.level === 1 && b.text !== "") return b.text;
  return undefined;
}

function splitParagraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((p) => p.trimEnd())
    .filter((p) => p.trim() !== "");
}

// ---------------------------------------------------------------------------------------------------------
// Chunking

/** A piece of text that is never cut further; `sep` joins it to the previous unit of the same chunk. */
interface Unit {
  text: string;
  tokens: number;
  code: boolean;
  sep: string;
}

interface Section {
  /** Headings above and including this section's own, outermost first ("" texts dropped). */
  path: { level: number; text: string }[];
  blocks: Block[];
}

function chunkBlocks(
  blocks: Block[],
  options: PrefixOptions,
): Pick<ParsedDocument, "chunks" | "complete" | "totalTokens"> {
  const maxTokens = Math.max(16, options.maxTokens ?? CHUNK_MAX_TOKENS);
  const overlapTokens = Math.min(Math.max(0, options.overlapTokens ?? CHUNK_OVERLAP_TOKENS), maxTokens / 2);
  const stopAfter = options.stopAfterTokens ?? Number.POSITIVE_INFINITY;
  const chunks: ChunkDraft[] = [];
  let madeTokens = 0;
  const push = (headingPath: string, text: string, tokenCount = countTokens(text)) => {
    chunks.push({ ordinal: chunks.length, headingPath, text, tokenCount });
    madeTokens += tokenCount;
  };
  const enough = () => madeTokens > stopAfter;
  const stopped = () => {
    // Chunks repeat some text (overlap, merged headings) in both their tokens and their characters,
    // which leaves the ratio as it is.
    let madeCharacters = 0;
    for (const chunk of chunks) madeCharacters += chunk.text.length;
    let characters = 0;
    for (const block of blocks) characters += block.text.length + 2; // and the blank line after it
    const estimate = Math.round((madeTokens / Math.max(1, madeCharacters)) * characters);
    return { chunks, complete: false, totalTokens: Math.max(madeTokens, estimate) };
  };

  // Small consecutive sections waiting to be emitted as one chunk.
  let group: { section: Section; text: string; tokens: number }[] = [];
  let groupTokens = 0;
  const flushGroup = () => {
    if (group.length === 0) return;
    // Heading-only sections (a heading directly followed by a sub-heading) are ancestors already in the
    // path of what follows them, so they don't widen the chunk's path.
    const withText = group.filter((g) => g.text !== "");
    if (withText.length === 0) {
      group = [];
      groupTokens = 0;
      return; // headings without content make no chunk
    }
    const common = commonPath((withText.length > 0 ? withText : group).map((g) => g.section.path));
    const parts: string[] = [];
    for (const { section, text } of group) {
      const own = section.path[section.path.length - 1];
      // A merged section's heading is no longer in the chunk's path, so it stays in the text.
      if (own && section.path.length > common.length) parts.push(`${"#".repeat(own.level)} ${own.text}`);
      if (text !== "") parts.push(text);
    }
    const text = parts.join("\n\n");
    if (text.trim() !== "") push(pathText(common), text);
    group = [];
    groupTokens = 0;
  };

  for (const section of splitSections(blocks)) {
    if (enough()) return stopped();
    // Units are counted and packed as the chunks are taken, so a stop skips the rest of a long section.
    const texts = packUnits(toUnits(section.blocks, maxTokens), maxTokens, overlapTokens);
    const first = texts.next();
    const second = texts.next();
    if (!first.done && !second.done) {
      flushGroup();
      for (const text of prepend([first.value, second.value], texts)) {
        if (enough()) return stopped();
        push(pathText(section.path), text);
      }
      continue;
    }
    const text = first.done ? "" : first.value;
    const own = section.path[section.path.length - 1];
    // The heading line (if it must go into the text) and the separator count towards the budget.
    const tokens = countTokens(text) + (own ? countTokens(own.text) + 3 : 0);
    if (group.length > 0 && (groupTokens + tokens > maxTokens || options.mergeSections === false)) {
      flushGroup();
      if (enough()) return stopped();
    }
    group.push({ section, text, tokens });
    groupTokens += tokens;
  }
  flushGroup();
  return { chunks, complete: true, totalTokens: madeTokens };
}

function* prepend<T>(head: T[], rest: Iterable<T>): Generator<T> {
  yield* head;
  yield* rest;
}

function splitSections(blocks: Block[]): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let current: Section = { path: [], blocks: [] };
  for (const block of blocks) {
    if (block.kind !== "heading") {
      current.blocks.push(block);
      continue;
    }
    if (current.blocks.length > 0 || current.path.length > 0) sections.push(current);
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= block.level) stack.pop();
    if (block.text !== "") stack.push({ level: block.level, text: block.text });
    current = { path: [...stack], blocks: [] };
  }
  if (current.blocks.length > 0 || current.path.length > 0) sections.push(current);
  return sections;
}

function commonPath(paths: Section["path"][]): Section["path"] {
  const [first = [], ...rest] = paths;
  let length = first.length;
  for (const path of rest) {
    let i = 0;
    while (
      i < length &&
      i < path.length &&
      path[i]?.text === first[i]?.text &&
      path[i]?.level === first[i]?.level
    )
      i++;
    length = i;
  }
  return first.slice(0, length);
}

function pathText(path: Section["path"]): string {
  return path.map((h) => h.text).join(" > ");
}

function* toUnits(blocks: Block[], maxTokens: number): Generator<Unit> {
  for (const block of blocks) {
    const tokens = countTokensUpTo(block.text, maxTokens);
    if (block.kind === "code" && tokens > maxTokens) {
      for (const piece of splitCode(block.text, maxTokens))
        yield { text: piece.text, tokens: piece.tokens, code: true, sep: "\n\n" };
      continue;
    }
    if (block.kind === "code" || tokens <= maxTokens) {
      yield { text: block.text, tokens, code: block.kind === "code", sep: "\n\n" };
      continue;
    }
    // An oversized paragraph: split at sentence and line ends, then at word boundaries.
    let sep = "\n\n";
    for (const [piece, nextSep] of splitSentences(block.text)) {
      const pieceTokens = countTokens(piece);
      if (pieceTokens <= maxTokens) yield { text: piece, tokens: pieceTokens, code: false, sep };
      else {
        for (const [i, window] of wordWindows(piece, maxTokens).entries()) {
          yield { text: window.text, tokens: window.tokens, code: false, sep: i === 0 ? sep : " " };
        }
      }
      sep = nextSep;
    }
  }
}

/**
 * Cuts an oversize code fence at line boundaries into fences of at most `maxTokens` tokens, each opened
 * with the original fence line (so the language tag stays) and closed. A single longer line is cut by words.
 */
function splitCode(fence: string, maxTokens: number): { text: string; tokens: number }[] {
  const lines = fence.split("\n");
  const open = lines[0] ?? "```";
  const marker = /^ {0,3}(`{3,}|~{3,})/.exec(open)?.[1] ?? "```";
  const closed = lines.length > 1 && closingFence(marker).test(lines[lines.length - 1] ?? "");
  const body = lines.slice(1, closed ? -1 : undefined);
  const overhead = countTokens(`${open}\n\n${marker}`);
  const budget = Math.max(8, maxTokens - overhead);
  const pieces: { text: string; tokens: number }[] = [];
  let current: string[] = [];
  let currentTokens = 0;
  const emit = () => {
    if (current.length === 0) return;
    const text = `${open}\n${current.join("\n")}\n${marker}`;
    pieces.push({ text, tokens: countTokens(text) });
    current = [];
    currentTokens = 0;
  };
  for (const line of body) {
    const tokens = countTokens(line) + 1;
    if (tokens > budget) {
      emit();
      for (const window of wordWindows(line, budget)) {
        current = [window.text];
        emit();
      }
      continue;
    }
    if (currentTokens + tokens > budget) emit();
    current.push(line);
    currentTokens += tokens;
  }
  emit();
  return pieces;
}

/** Sentences (or lines) of a paragraph, each with the whitespace that followed it. */
function splitSentences(text: string): [string, string][] {
  const parts = text.split(/(\n+|(?<=[.!?。！？])[ \t]+)/);
  const result: [string, string][] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const piece = parts[i] ?? "";
    const sep = parts[i + 1] ?? " ";
    if (piece.trim() !== "") result.push([piece, sep.includes("\n") ? "\n" : " "]);
  }
  return result;
}

const LONG_WORD = 64; // characters; longer runs without whitespace are cut so tokenizing stays linear

/** Cuts a whitespace-separated text into windows of at most `maxTokens` tokens. */
function wordWindows(text: string, maxTokens: number): { text: string; tokens: number }[] {
  const windows: { text: string; tokens: number }[] = [];
  let current: string[] = [];
  let currentTokens = 0;
  for (const word of words(text)) {
    const tokens = countTokens(word);
    if (current.length > 0 && currentTokens + 1 + tokens > maxTokens) {
      windows.push({ text: current.join(" "), tokens: currentTokens });
      current = [];
      currentTokens = 0;
    }
    currentTokens += tokens + (current.length > 0 ? 1 : 0);
    current.push(word);
  }
  if (current.length > 0) windows.push({ text: current.join(" "), tokens: currentTokens });
  return windows;
}

function* words(text: string): Generator<string> {
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    if (word.length <= LONG_WORD) {
      yield word;
      continue;
    }
    for (let start = 0; start < word.length; ) {
      let end = Math.min(word.length, start + LONG_WORD);
      // Never split a surrogate pair.
      if (end < word.length && /[\uDC00-\uDFFF]/.test(word[end] ?? "")) end--;
      yield word.slice(start, end);
      start = end;
    }
  }
}

function* packUnits(units: Iterable<Unit>, maxTokens: number, overlapTokens: number): Generator<string> {
  let current: Unit[] = [];
  let currentTokens = 0;
  for (const unit of units) {
    if (unit.code && unit.tokens > maxTokens) {
      // An oversized fence is a chunk of its own; no overlap on either side.
      if (current.length > 0) yield joinUnits(current);
      yield unit.text;
      current = [];
      currentTokens = 0;
      continue;
    }
    const cost = unit.tokens + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && currentTokens + cost > maxTokens) {
      yield joinUnits(current);
      current = overlapTail(current, overlapTokens);
      currentTokens = current.reduce((sum, u, i) => sum + u.tokens + (i > 0 ? 1 : 0), 0);
      if (current.length > 0 && currentTokens + unit.tokens + 1 > maxTokens) {
        current = [];
        currentTokens = 0;
      }
    }
    currentTokens += unit.tokens + (current.length > 0 ? 1 : 0);
    current.push(unit);
  }
  if (current.length > 0) yield joinUnits(current);
}

/** The last units of a chunk, up to `overlapTokens`, to repeat at the start of the next one. */
function overlapTail(units: Unit[], overlapTokens: number): Unit[] {
  if (overlapTokens <= 0) return [];
  const tail: Unit[] = [];
  let total = 0;
  for (let i = units.length - 1; i >= 0; i--) {
    const unit = units[i];
    if (!unit || unit.code) break; // never copy part of a code fence
    if (total + unit.tokens + (tail.length > 0 ? 1 : 0) <= overlapTokens) {
      tail.unshift(unit);
      total += unit.tokens + (tail.length > 1 ? 1 : 0);
      continue;
    }
    if (tail.length === 0) {
      const text = tailWords(unit.text, overlapTokens);
      if (text !== "") tail.unshift({ text, tokens: countTokens(text), code: false, sep: unit.sep });
    }
    break;
  }
  return tail;
}

/** The trailing words of `text` that fit in `maxTokens`. */
function tailWords(text: string, maxTokens: number): string {
  const parts = text.split(/\s+/).filter((w) => w !== "" && w.length <= LONG_WORD);
  const kept: string[] = [];
  let total = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    const word = parts[i] ?? "";
    const tokens = countTokens(` ${word}`);
    if (total + tokens > maxTokens) break;
    kept.unshift(word);
    total += tokens;
  }
  return kept.join(" ");
}

function joinUnits(units: Unit[]): string {
  let text = "";
  for (const [i, unit] of units.entries()) text += i === 0 ? unit.text : unit.sep + unit.text;
  return text;
}

// ---------------------------------------------------------------------------------------------------------

/** LF line ends; NUL characters dropped (PostgreSQL text cannot hold them). */
function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n").replaceAll("\u0000", "");
}

function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}
