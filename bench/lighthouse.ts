// Lighthouse on the production build: the setup screen (a new browser) and the chat screen (a
// browser with a saved key), on Lighthouse's mobile and desktop profiles, one run each. Runs in
// Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) against the Chutes emulator, with
// Sign in with Chutes configured. Needs `npm run build`. Run: npm run bench:lighthouse
// Writes bench/results/lighthouse.json; the figures are summarised in bench/RESULTS.md.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig } from "lighthouse";
import { chromium } from "playwright-core";
import { SAVED_KEY_ENTRY, savedKeyHintCookie, startProductionApp } from "./productionApp.ts";

const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3710);
const APP_URL = `http://127.0.0.1:${APP_PORT}`;
const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const OUT = process.env.LIGHTHOUSE_OUT ?? "bench/results/lighthouse.json";

const app = await startProductionApp(APP_PORT, "bench/out/lighthouse-data");

type Screen = "setup" | "chat";
type Profile = "mobile" | "desktop";
interface Figures {
  screen: Screen;
  profile: Profile;
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  fcpMs: number;
  failedAudits: string[];
  /** What Lighthouse took as the largest paint, and the LCP's phases (where its time goes). */
  lcpElement: string | null;
}

/** One Chromium per screen: the chat screen's profile holds a saved key, the setup screen's none. */
async function audit(screen: Screen, profile: Profile): Promise<Figures> {
  const userDataDir = `bench/out/lighthouse-profile-${screen}-${profile}`;
  rmSync(userDataDir, { recursive: true, force: true });
  mkdirSync(userDataDir, { recursive: true });
  const chrome = await chromeLauncher.launch({
    chromePath: CHROME_PATH,
    userDataDir,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    if (screen === "chat") {
      // What the browser holds after a key was saved: the key in localStorage, the hint cookie.
      const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
      const context = browser.contexts()[0] ?? (await browser.newContext());
      const page = await context.newPage();
      await page.goto(`${APP_URL}/robots.txt`);
      await page.evaluate(([name, value]) => localStorage.setItem(name, value), SAVED_KEY_ENTRY);
      await context.addCookies([savedKeyHintCookie(APP_URL)]);
      await page.close();
      await browser.close();
    }
    const result = await lighthouse(
      `${APP_URL}/`,
      { port: chrome.port, output: "json", logLevel: "error", disableStorageReset: true },
      profile === "desktop" ? desktopConfig : undefined,
    );
    if (!result) throw new Error("lighthouse returned nothing");
    if (only) writeFileSync(`bench/out/lighthouse-${screen}-${profile}.lhr.json`, JSON.stringify(result.lhr));
    const { categories, audits } = result.lhr;
    const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
    return {
      screen,
      profile,
      performance: score("performance"),
      accessibility: score("accessibility"),
      bestPractices: score("best-practices"),
      seo: score("seo"),
      lcpMs: Math.round(audits["largest-contentful-paint"]?.numericValue ?? Number.NaN),
      tbtMs: Math.round(audits["total-blocking-time"]?.numericValue ?? Number.NaN),
      cls: Number((audits["cumulative-layout-shift"]?.numericValue ?? Number.NaN).toFixed(3)),
      fcpMs: Math.round(audits["first-contentful-paint"]?.numericValue ?? Number.NaN),
      lcpElement: lcpElementOf(audits["lcp-breakdown-insight"]?.details),
      // Which audits cost points, so a regression names its cause.
      failedAudits: Object.values(audits)
        .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative")
        .map((a) => a.id),
    };
  } finally {
    chrome.kill();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** The LCP element's selector and text, from the LCP breakdown insight. */
function lcpElementOf(details: unknown): string | null {
  const items = (details as { items?: Array<{ type?: string; selector?: string; nodeLabel?: string }> })
    ?.items;
  const node = items?.find((item) => item.type === "node");
  return node ? `${node.selector ?? "?"}: ${(node.nodeLabel ?? "").slice(0, 80)}` : null;
}

const only = process.env.LIGHTHOUSE_ONLY; // e.g. "setup-mobile", to look into one figure

try {
  const results: Figures[] = [];
  for (const screen of ["setup", "chat"] as const) {
    for (const profile of ["mobile", "desktop"] as const) {
      if (only && only !== `${screen}-${profile}`) continue;
      const figures = await audit(screen, profile);
      results.push(figures);
      console.info(
        `${screen.padEnd(5)} ${profile.padEnd(7)} perf ${figures.performance} a11y ${figures.accessibility} bp ${figures.bestPractices} ` +
          `LCP ${figures.lcpMs} ms TBT ${figures.tbtMs} ms CLS ${figures.cls} FCP ${figures.fcpMs} ms` +
          (figures.failedAudits.length ? ` (below 0.9: ${figures.failedAudits.join(", ")})` : ""),
      );
    }
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2)}\n`);
  console.info(`wrote ${OUT}`);
} finally {
  await app.stop();
}
