"use client";

import { type ComponentPropsWithoutRef, memo } from "react";
import ReactMarkdown, { type Components, type ExtraProps } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";
import { CopyButton } from "./CopyButton.tsx";

// Answers are Markdown from a model: GFM tables, highlighted code. Raw HTML in them is shown as
// text, never parsed (react-markdown's default; rehype-raw must never be added), and
// react-markdown's URL filter drops javascript: and other unsafe links.

interface HastNode {
  type: string;
  value?: string;
  children?: HastNode[];
}

function textOf(node: HastNode): string {
  if (node.type === "text") return node.value ?? "";
  if (node.type === "element") return (node.children ?? []).map(textOf).join("");
  return "";
}

function CodeBlock({ node, children, ...rest }: ComponentPropsWithoutRef<"pre"> & ExtraProps) {
  const code = node ? textOf(node) : "";
  return (
    <div className="code-block group relative">
      <pre {...rest}>{children}</pre>
      <CopyButton
        getText={() => code.replace(/\n$/, "")}
        label="Copy code"
        className="absolute top-1.5 right-1.5"
      />
    </div>
  );
}

const components: Components = {
  pre: CodeBlock,
  a: ({ node: _node, href, children, ...rest }) => (
    <a {...rest} href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  table: ({ node: _node, children, ...rest }) => (
    <div className="overflow-x-auto">
      <table {...rest}>{children}</table>
    </div>
  ),
};

const remarkPlugins = [remarkGfm];
const rehypePlugins = [rehypeHighlight];

/** Renders once per distinct text; the streaming bubble passes a deferred value. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
