// The JavaScript a browser downloads for the chat page, gzip-compressed, per screen: the setup
// screen (a new browser) and the chat screen (a browser with a saved key, up to the moment the
// composer is usable, which includes the lazily loaded chat chunks). Measured the way a browser
// sees it: Debian's Chromium opens `/` on the production build (`npm run build` first) against the
// Chutes emulator and every script response is recorded; each file is then gzipped (level 6, what
// Next's own compression uses) from the dist dir. Each chunk is tagged with the libraries whose
// marker strings it holds, to say where the bytes go.
// Run: npm run bench:bundle (writes bench/results/bundle.json, or BUNDLE_OUT)
//      npm run check:bundle (exit 1 when a screen's first load is over BUNDLE_BUDGET_KIB, default 170)
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { SAVED_KEY_ENTRY, savedKeyHintCookie, startProductionApp } from "./productionApp.ts";

const check = process.argv.includes("--check");
const BUDGET_KIB = Number(process.env.BUNDLE_BUDGET_KIB ?? 170);
const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3720);
const APP_URL = `http://127.0.0.1:${APP_PORT}`;
const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const DIST_DIR = process.env.NEXT_DIST_DIR ?? ".next";
const OUT = process.env.BUNDLE_OUT ?? "bench/results/bundle.json";

/** Strings that survive minification and name the library a chunk holds. */
const MARKERS: Record<string, RegExp> = {
  "react-dom": /react-dom|__reactFiber|reactFiber\$/,
  "next runtime": /__next_f|next-router|__NEXT_DATA__|nextjs|NEXT_REDIRECT/,
  "AI SDK": /vercel\.ai\.error|UIMessage|ai-sdk/,
  zod: /ZodError|\$ZodType|zod_/,
  "next-auth client": /\/api\/auth\/session|next-auth|nextauth\.message/,
  idb: /IDBDatabase|IDBObjectStore|indexedDB/,
  "react-virtual": /measureElement|getVirtualItems/,
  "markdown (react-markdown, remark, micromark)": /micromark|remark-gfm|mdast-util/,
  "gpt-tokenizer encoding": /<\|endoftext\|>/,
  "highlighting (lowlight/highlight.js)": /hljs|highlight\.js|lowlight/,
  "our code": /chutes-chat|Chutes/,
};

interface Chunk {
  file: string;
  rawBytes: number;
  gzipBytes: number;
  holds: string[];
}
interface ScreenFigures {
  screen: "setup" | "chat";
  /** Scripts referenced by the server's HTML (loaded before the page is interactive). */
  initialGzipKiB: number;
  /** Every script loaded until the screen is usable (initial + lazy chunks). */
  totalGzipKiB: number;
  lazyGzipKiB: number;
  chunks: Array<Chunk & { lazy: boolean }>;
}

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

function measureFile(urlPath: string): Chunk {
  // /_next/static/chunks/x.js is <dist>/static/chunks/x.js
  const rel = decodeURIComponent(urlPath.replace(/^\/_next\//, "").split("?")[0] ?? "");
  const source = readFileSync(`${DIST_DIR}/${rel}`);
  const text = source.toString("utf8");
  return {
    file: rel,
    rawBytes: source.byteLength,
    gzipBytes: gzipSync(source, { level: 6 }).byteLength,
    holds: Object.entries(MARKERS)
      .filter(([, re]) => re.test(text))
      .map(([name]) => name),
  };
}

const app = await startProductionApp(APP_PORT, "bench/out/bundle-data");

async function measureScreen(screen: "setup" | "chat"): Promise<ScreenFigures> {
  const browser = await chromium.launch({ executablePath: CHROME_PATH, args: ["--no-sandbox"] });
  try {
    const context = await browser.newContext();
    if (screen === "chat") {
      // What the browser holds after a key was saved: the key in localStorage, the hint cookie.
      await context.addInitScript(([name, value]) => localStorage.setItem(name, value), SAVED_KEY_ENTRY);
      await context.addCookies([savedKeyHintCookie(APP_URL)]);
    }
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.origin === APP_URL && url.pathname.endsWith(".js")) scripts.add(url.pathname);
    });
    const response = await page.goto(`${APP_URL}/`);
    const html = (await response?.text()) ?? "";
    const initial = new Set([...html.matchAll(/\/_next\/static\/[^"'\s)]+\.js/g)].map((m) => m[0]));
    if (screen === "chat") {
      await page.getByRole("textbox", { name: "Message", exact: true }).waitFor({ timeout: 30_000 });
    } else {
      await page.getByRole("heading").first().waitFor({ timeout: 30_000 });
    }
    await page.waitForLoadState("networkidle");
    // Only what was fetched: the HTML's nomodule polyfills are not downloaded by a modern browser.
    const chunks = [...scripts]
      .map((path) => ({ ...measureFile(path), lazy: !initial.has(path) }))
      .sort((a, b) => b.gzipBytes - a.gzipBytes);
    const sum = (list: Chunk[]) => kib(list.reduce((n, c) => n + c.gzipBytes, 0));
    return {
      screen,
      initialGzipKiB: sum(chunks.filter((c) => !c.lazy)),
      lazyGzipKiB: sum(chunks.filter((c) => c.lazy)),
      totalGzipKiB: sum(chunks),
      chunks,
    };
  } finally {
    await browser.close();
  }
}

let exitCode = 0;
try {
  const screens = [await measureScreen("setup"), await measureScreen("chat")];
  for (const s of screens) {
    console.info(
      `${s.screen}: ${s.totalGzipKiB} KiB gzip (initial ${s.initialGzipKiB} KiB, lazy ${s.lazyGzipKiB} KiB), ${s.chunks.length} files`,
    );
    for (const c of s.chunks.slice(0, 12)) {
      console.info(
        `  ${kib(c.gzipBytes).toFixed(1).padStart(6)} KiB ${c.lazy ? "lazy   " : "initial"} ${c.file} [${c.holds.join(", ")}]`,
      );
    }
  }
  if (check) {
    // The budget is first-load JavaScript (what the server's HTML references, before the page is
    // interactive), on both screens; the chat's lazy chunks are reported, not budgeted.
    for (const s of screens) {
      if (s.initialGzipKiB > BUDGET_KIB) {
        console.error(
          `bundle budget exceeded: the ${s.screen} screen's first load is ${s.initialGzipKiB} KiB gzip, budget ${BUDGET_KIB} KiB`,
        );
        exitCode = 1;
      } else {
        console.info(
          `bundle budget ok: ${s.screen} first load ${s.initialGzipKiB} KiB gzip <= ${BUDGET_KIB} KiB`,
        );
      }
    }
  } else {
    writeFileSync(
      OUT,
      `${JSON.stringify({ date: new Date().toISOString(), budgetKiB: BUDGET_KIB, distDir: DIST_DIR, screens }, null, 2)}\n`,
    );
    console.info(`wrote ${OUT}`);
  }
} finally {
  await app.stop();
  rmSync("bench/out/bundle-data", { recursive: true, force: true });
}
process.exit(exitCode);
