"use client";

import { lazy, Suspense } from "react";

// react-markdown, GFM and highlight.js grammars are the largest part of the chat's JavaScript, so
// they load in their own chunk: the chat screen asks for it when the user starts to type or click
// (preloadMarkdown), well before the first answer arrives. Until then an answer shows as plain text.

const loadMarkdown = () => import("./Markdown.tsx");
const Markdown = lazy(() => loadMarkdown().then((module) => ({ default: module.Markdown })));

export function preloadMarkdown(): void {
  void loadMarkdown();
}

export function LazyMarkdown({ text }: { text: string }) {
  return (
    <Suspense fallback={<p className="whitespace-pre-wrap break-words">{text}</p>}>
      <Markdown text={text} />
    </Suspense>
  );
}
