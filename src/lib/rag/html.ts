// A small HTML → Markdown converter for ingest: enough structure for heading-aware chunking (headings,
// paragraphs, lists, tables as text rows, <pre> as fenced code, inline <code>). Elements that carry no
// readable text (script, style, svg, ...) are dropped with their content; unknown tags are ignored and their
// text kept. Pure: no DOM, no dependencies, linear in the input size.

export interface HtmlConversion {
  markdown: string;
  /** Text of the <title> element, if any. */
  title?: string;
}

/** Elements whose whole content is skipped. */
const SKIPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "math",
  "iframe",
  "object",
  "canvas",
  "select",
  "button",
  "head",
]);
/** Elements whose content is raw text (no tags inside), per the HTML spec. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript"]);
const BLOCKS = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "header",
  "footer",
  "nav",
  "aside",
  "blockquote",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "ul",
  "ol",
  "dl",
  "figure",
  "figcaption",
  "form",
  "hr",
  "address",
  "details",
  "summary",
  "fieldset",
  "body",
  "html",
  "caption",
]);

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  copy: "©",
  reg: "®",
  trade: "™",
  deg: "°",
  middot: "·",
  bull: "•",
  times: "×",
  euro: "€",
  shy: "",
  zwj: "",
  zwnj: "",
};

export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(
    /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g,
    (match, body: string) => {
      if (body.startsWith("#")) {
        const code =
          body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\uFFFD";
        return String.fromCodePoint(code);
      }
      return NAMED_ENTITIES[body.toLowerCase()] ?? match;
    },
  );
}

// One token: a comment, a doctype/processing instruction, a tag, or a run of text.
const TOKEN =
  /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</y;

export function htmlToMarkdown(html: string): HtmlConversion {
  const out: string[] = [];
  let title: string | undefined;
  let skipDepth = 0;
  let skipTag = "";
  let preDepth = 0;
  let headingLevel = 0;
  let listDepth = 0;
  let cellIndex = 0;
  let lastChar = "\n"; // pretend the output starts on a fresh line
  let trailingNewlines = 2;
  let preStart = -1; // index in `out` of the current <pre>'s opening-fence placeholder

  const push = (s: string) => {
    if (s === "") return;
    out.push(s);
    lastChar = s[s.length - 1] ?? lastChar;
    const trailing = s.length - s.replace(/\n+$/, "").length;
    trailingNewlines = trailing === s.length ? trailingNewlines + trailing : trailing;
  };
  const block = () => {
    if (out.length > 0 && trailingNewlines < 2) push("\n".repeat(2 - trailingNewlines));
  };
  const newline = () => {
    if (out.length > 0 && trailingNewlines === 0) push("\n");
  };

  const pushText = (raw: string) => {
    const text = decodeEntities(raw);
    if (preDepth > 0) {
      push(text);
      return;
    }
    let collapsed = text.replace(/[\s\u00a0]+/g, " ");
    if (lastChar === "\n" || lastChar === " ") collapsed = collapsed.replace(/^ /, "");
    if (collapsed === "") return;
    // Text that would read as Markdown structure at the start of a line is escaped.
    if (lastChar === "\n" && headingLevel === 0 && /^(#{1,6}(\s|$)|`{3,}|~{3,})/.test(collapsed)) {
      collapsed = `\\${collapsed}`;
    }
    push(collapsed);
  };

  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < html.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(html);
    if (!m) break; // unreachable: the last alternative matches any single "<"
    pos = TOKEN.lastIndex;
    const [token, slash, rawName, attrs] = m;
    if (rawName === undefined) {
      if (token.startsWith("<!") || token.startsWith("<?")) continue; // comment, doctype, CDATA, PI
      if (skipDepth === 0) pushText(token);
      continue;
    }
    const name = rawName.toLowerCase();
    const closing = slash === "/";
    const selfClosing = /\/\s*$/.test(attrs ?? "");

    // Raw-text elements: their content runs to the matching end tag, whatever it contains.
    if (!closing && !selfClosing && RAW_TEXT.has(name)) {
      const endTag = new RegExp(`</${name}`, "ig");
      endTag.lastIndex = pos;
      const end = endTag.exec(html)?.index ?? -1;
      const content = html.slice(pos, end === -1 ? html.length : end);
      pos = end === -1 ? html.length : html.indexOf(">", end) + 1 || html.length;
      if (name === "title") title ??= decodeEntities(content).replace(/\s+/g, " ").trim() || undefined;
      else if (name === "textarea" && skipDepth === 0) pushText(content);
      continue;
    }

    if (skipDepth > 0) {
      if (name === skipTag) skipDepth += closing ? -1 : selfClosing ? 0 : 1;
      continue;
    }
    if (SKIPPED.has(name)) {
      if (!closing && !selfClosing) {
        skipDepth = 1;
        skipTag = name;
      }
      continue;
    }

    const heading = /^h([1-6])$/.exec(name);
    if (heading) {
      if (preDepth > 0) continue;
      block();
      if (!closing) {
        headingLevel = Number(heading[1]);
        push(`${"#".repeat(headingLevel)} `);
      } else {
        headingLevel = 0;
        push("\n\n");
      }
      continue;
    }

    if (name === "pre") {
      if (closing) {
        if (preDepth === 0) continue;
        preDepth--;
        if (preDepth === 0) {
          newline();
          push(closeFence(out, preStart));
          push("\n\n");
        }
      } else {
        if (preDepth === 0) {
          block();
          preStart = out.length;
          push(PRE_START);
        }
        preDepth++;
      }
      continue;
    }
    if (preDepth > 0) {
      if (name === "br") push("\n");
      continue; // other tags inside <pre> only style the text
    }

    if (name === "br") {
      if (headingLevel > 0) push(" ");
      else push("\n");
    } else if (name === "code" || name === "kbd" || name === "samp") {
      push("`");
    } else if (name === "li") {
      if (!closing) {
        newline();
        push(`${"  ".repeat(Math.max(0, listDepth - 1))}- `);
      } else newline();
    } else if (name === "ul" || name === "ol") {
      // Top-level lists are blocks; nested ones continue the item they are in.
      if (!closing) {
        if (listDepth === 0) block();
        else newline();
        listDepth++;
      } else {
        listDepth = Math.max(0, listDepth - 1);
        if (listDepth === 0) block();
        else newline();
      }
    } else if (name === "tr") {
      newline();
      cellIndex = 0;
    } else if (name === "td" || name === "th") {
      if (!closing && cellIndex++ > 0) push(" | ");
    } else if (name === "dt" || name === "dd") {
      newline();
    } else if (name === "img" && !closing) {
      const alt = /\balt\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs ?? "");
      const text = alt?.[2] ?? alt?.[3];
      if (text) pushText(text);
    } else if (BLOCKS.has(name)) {
      block();
    }
  }
  if (preDepth > 0) {
    newline();
    push(closeFence(out, preStart));
  }

  const markdown = out
    .join("")
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return title === undefined ? { markdown } : { markdown, title };
}

// <pre> content is written between a placeholder opening fence and a closing fence chosen once the content
// is known: one backtick longer than the longest backtick run inside, so the content can never close it.
const PRE_START = "\u0000PRE\u0000\n";

function closeFence(out: string[], start: number): string {
  let longest = 0;
  for (let i = start + 1; i < out.length; i++) {
    for (const run of (out[i] ?? "").match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  }
  const fence = "`".repeat(Math.max(3, longest + 1));
  if (out[start] === PRE_START) out[start] = `${fence}\n`;
  return fence;
}
