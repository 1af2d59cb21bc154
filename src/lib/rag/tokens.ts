import { countTokens as countGptTokens, isWithinTokenLimit } from "gpt-tokenizer";

// Special-token strings such as "<|endoftext|>" inside a document are ordinary text to us; the default
// options would make the tokenizer throw on them.
const ENCODE_OPTIONS = { disallowedSpecial: new Set<string>() };

// Byte-pair encoding is quadratic in the length of one pre-token, and a run of letters without spaces
// (base64, a minified blob) is one pre-token. Such runs are counted in slices, which keeps counting linear;
// the count is then an estimate, which is all a chunk budget needs.
const LONG_RUN = /\S{256,}/;
const SLICE = 128;
const WORD_START = / (?=\p{L})/gu;

/** Number of tokens in `text` (o200k_base, the tokenizer's default encoding). */
export function countTokens(text: string): number {
  if (text === "") return 0;
  if (!LONG_RUN.test(text)) return countGptTokens(text, ENCODE_OPTIONS);
  let total = 0;
  for (const part of text.split(/(\S{256,})/)) {
    if (part === "") continue;
    if (part.length < 256 || /\s/.test(part)) total += countGptTokens(part, ENCODE_OPTIONS);
    else
      for (let i = 0; i < part.length; i += SLICE)
        total += countGptTokens(part.slice(i, i + SLICE), ENCODE_OPTIONS);
  }
  return total;
}

/**
 * `countTokens(text)` when that is at most `limit`, else Infinity. Stops soon after the limit, so a
 * long paragraph is not counted whole only to learn that it must be split.
 */
export function countTokensUpTo(text: string, limit: number): number {
  // A short text costs less to count whole than through the tokenizer's stoppable generator.
  if (text.length <= 4 * limit) {
    const count = countTokens(text);
    return count <= limit ? count : Number.POSITIVE_INFINITY;
  }
  // Far longer than the limit: first count a beginning cut before a word's leading space, where the
  // tokenizer's pre-tokens break too, so its count is part of the whole's.
  if (text.length > 16 * limit) {
    WORD_START.lastIndex = 8 * limit;
    const cut = WORD_START.exec(text)?.index;
    if (cut !== undefined && countTokens(text.slice(0, cut)) > limit) return Number.POSITIVE_INFINITY;
  }
  let total = 0;
  for (const part of text.split(/(\S{256,})/)) {
    if (part === "") continue;
    if (part.length < 256 || /\s/.test(part)) {
      const within = isWithinTokenLimit(part, limit - total, ENCODE_OPTIONS);
      if (within === false) return Number.POSITIVE_INFINITY;
      total += within;
      continue;
    }
    for (let i = 0; i < part.length; i += SLICE) {
      total += countGptTokens(part.slice(i, i + SLICE), ENCODE_OPTIONS);
      if (total > limit) return Number.POSITIVE_INFINITY;
    }
  }
  return total;
}
