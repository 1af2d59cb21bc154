"use client";

import { useEffect, useState } from "react";
import { type CountTokens, roughTokens } from "@/src/lib/chat/estimate.ts";
import { onFirstInteraction } from "../ui/onFirstInteraction.ts";

let loaded: CountTokens | null = null;

/**
 * The counter with its last few answers kept: while typing in a long draft, the composer's estimate
 * is rendered again at every key from the draft as it was at the last pause (useEstimatedText in
 * Composer.tsx), and a draft can be 100,000 characters.
 */
export function rememberingCounts(count: CountTokens, size = 4): CountTokens {
  const counted = new Map<string, number>();
  return (text) => {
    const known = counted.get(text);
    if (known !== undefined) return known;
    const tokens = count(text);
    if (counted.size >= size) counted.delete(counted.keys().next().value as string);
    counted.set(text, tokens);
    return tokens;
  };
}

/**
 * The tokenizer the route counts with (gpt-tokenizer), loaded on first use so it stays out of
 * the first page load; about four characters per token until it arrives.
 */
export function useTokenCounter(): CountTokens {
  const [counter, setCounter] = useState<CountTokens>(() => loaded ?? roughTokens);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    // Its encoding is about 1 MiB gzip: fetched when the user starts to type or click, not when
    // the chat opens.
    const stop = onFirstInteraction(() => {
      import("@/src/lib/rag/tokens.ts")
        .then(({ countTokens }) => {
          const counter = rememberingCounts(countTokens);
          loaded = counter;
          if (live) setCounter(() => counter);
        })
        .catch(() => undefined); // stays on the rough count
    });
    return () => {
      live = false;
      stop();
    };
  }, []);
  return counter;
}
