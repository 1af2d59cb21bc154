// How text becomes search terms outside PostgreSQL's parser. Pure: shared by the store (writing and
// querying) so a document and a question are always cut the same way.
//
// PostgreSQL's text parser already keeps versions, numbers and hyphenated names as written ("v1.2",
// "82m", "22.19.0", "bge-m3"), but it splits identifiers at underscores and colons: "UND_ERR_SOCKET" or
// "node:sqlite" would only match as loose words. Those are kept as "exact terms" too.

const EXACT_TERM = /[\p{L}\p{N}]+(?:[_:.-]+[\p{L}\p{N}]+)+/gu;
const MAX_EXACT_TERM_CHARS = 64;
const MAX_QUERY_WORDS = 64;

/** Identifiers joined by "_" or ":" (any case), lower-cased, one entry per occurrence. */
export function exactTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [match] of text.matchAll(EXACT_TERM)) {
    if (match.length > MAX_EXACT_TERM_CHARS || !/[_:]/.test(match)) continue;
    terms.push(match.toLowerCase());
  }
  return terms;
}

/** The words of a question as the user wrote them (punctuation around them dropped), at most 64. */
export function queryWords(query: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const raw of query.split(/[\s/]+/)) {
    const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (word === "" || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    words.push(word);
    if (words.length === MAX_QUERY_WORDS) break;
  }
  return words;
}
