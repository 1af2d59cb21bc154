import { messageText } from "../chat/messages.ts";
import type { Conversation } from "./schema.ts";

export interface SearchHit {
  id: string;
  title: string;
  updatedAt: number;
  /** Where the query was found: a piece of a message around the match, or the title. */
  snippet: string;
  matchedIn: "title" | "message";
}

const SNIPPET_RADIUS = 50;

function normalize(text: string): string {
  return text.toLocaleLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
}

function snippetAround(text: string, index: number, length: number): string {
  const start = Math.max(0, index - SNIPPET_RADIUS);
  const end = Math.min(text.length, index + length + SNIPPET_RADIUS);
  const body = text.slice(start, end).replace(/\s+/g, " ").trim();
  return `${start > 0 ? "…" : ""}${body}${end < text.length ? "…" : ""}`;
}

/**
 * Conversations whose title or messages contain every word of the query (case- and
 * accent-insensitive), newest first. Title matches rank above message matches.
 */
export function searchConversations(
  conversations: ReadonlyArray<Conversation>,
  query: string,
  limit = 50,
): SearchHit[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits: SearchHit[] = [];
  for (const conversation of conversations) {
    const title = normalize(conversation.title);
    const texts = conversation.messages.map((m) => messageText(m));
    const haystack = `${title}\n${texts.map(normalize).join("\n")}`;
    if (!words.every((w) => haystack.includes(w))) continue;
    const base = { id: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt };
    if (words.every((w) => title.includes(w))) {
      hits.push({ ...base, snippet: conversation.title, matchedIn: "title" });
      continue;
    }
    // Show the first message containing the first word missing from the title.
    const word = words.find((w) => !title.includes(w)) ?? words[0]!;
    const text = texts.find((t) => normalize(t).includes(word)) ?? "";
    const index = normalize(text).indexOf(word);
    hits.push({
      ...base,
      snippet: snippetAround(text, Math.max(0, index), word.length),
      matchedIn: "message",
    });
  }
  return hits
    .sort((a, b) =>
      a.matchedIn === b.matchedIn ? b.updatedAt - a.updatedAt : a.matchedIn === "title" ? -1 : 1,
    )
    .slice(0, limit);
}
