"use client";

import { useEffect, useState } from "react";
import { type CountTokens, roughTokens } from "@/src/lib/chat/estimate.ts";
import { onFirstInteraction } from "../ui/onFirstInteraction.ts";

let loaded: CountTokens | null = null;

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
          loaded = countTokens;
          if (live) setCounter(() => countTokens);
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
