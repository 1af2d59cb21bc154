// Where the browser's main-thread time goes while a screen loads: a CPU profile of the page load
// (Chromium, 4x CPU slowdown like Lighthouse's mobile profile), self time summed per source file
// through the build's source maps. For looking into a Lighthouse figure, not a budget of its own.
// Needs a build with browser source maps:
//   NEXT_DIST_DIR=.next-prof NEXT_BROWSER_SOURCEMAPS=1 npx next build
//   NEXT_DIST_DIR=.next-prof node --conditions=react-server bench/profile-page.ts [chat|setup]
// PROFILE_SAVE=<file> also writes the raw CPU profile (for DevTools, or to compare runs offline).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { chromium } from "playwright-core";
import { SAVED_KEY_ENTRY, savedKeyHintCookie, startProductionApp } from "./productionApp.ts";

const screen = process.argv[2] === "setup" ? "setup" : "chat";
const distDir = process.env.NEXT_DIST_DIR || ".next";
const PORT = 3711;
const app = await startProductionApp(PORT, "bench/out/profile-data");

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

try {
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium" });
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  if (screen === "chat") {
    await context.addCookies([savedKeyHintCookie(app.url)]);
    await context.addInitScript(([name, value]) => localStorage.setItem(name, value), SAVED_KEY_ENTRY);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await page.goto(`${app.url}/`, { waitUntil: "networkidle" });
  await page.waitForTimeout(3000);
  const { profile } = (await cdp.send("Profiler.stop")) as { profile: Profile };
  await browser.close();
  if (process.env.PROFILE_SAVE) writeFileSync(process.env.PROFILE_SAVE, JSON.stringify(profile));

  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const maps = new Map<string, TraceMap | null>();
  const mapFor = (url: string): TraceMap | null => {
    if (!maps.has(url)) {
      const script = `${distDir}${new URL(url).pathname.replace(/^\/_next/, "")}`;
      // The map's name is hashed apart from the chunk's: read it from the chunk's last line.
      const mapName = existsSync(script)
        ? /sourceMappingURL=(\S+)/.exec(readFileSync(script, "utf8").slice(-300))?.[1]
        : undefined;
      const path = mapName ? script.replace(/[^/]+$/, mapName) : "";
      maps.set(url, path && existsSync(path) ? new TraceMap(readFileSync(path, "utf8")) : null);
    }
    return maps.get(url) ?? null;
  };
  const bySource = new Map<string, number>();
  const sourceOf = new Map<number, string>();
  const byFunction = new Map<string, number>();
  // The raw place of each function (chunk:line:column) beside its mapped name, for a mapping that looks wrong.
  const rawPlace = new Map<string, string>();
  let total = 0;
  /** The source file of a profile node's function, through the source maps. */
  function locate(id: number): string | null {
    const frame = byNode.get(id)?.callFrame;
    if (!frame?.url) return null;
    const map = frame.url.includes("/_next/") ? mapFor(frame.url) : null;
    if (!map) return `(script ${frame.url.slice(-40)})`;
    const position = originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber });
    const source = (position.source ?? "?").replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "src/");
    sourceOf.set(id, source);
    return source;
  }
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byNode.get(id)?.callFrame;
    if (!frame) return;
    total += ms;
    let source = frame.url ? `(script ${frame.url.slice(-40)})` : frame.functionName || "(native)";
    let name = frame.functionName;
    const map = frame.url.includes("/_next/") ? mapFor(frame.url) : null;
    if (map) {
      const position = originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber });
      source = (position.source ?? "?").replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "src/");
      name = position.name ?? name;
    }
    if (source === "(idle)") return;
    sourceOf.set(id, source);
    bySource.set(source, (bySource.get(source) ?? 0) + ms);
    byFunction.set(`${source} ${name}`, (byFunction.get(`${source} ${name}`) ?? 0) + ms);
    rawPlace.set(
      `${source} ${name}`,
      `${frame.url.slice(-24)}:${frame.lineNumber + 1}:${frame.columnNumber}`,
    );
  });
  // Busy stretches (no idle sample) of 50 ms or more, as Lighthouse's long tasks, with their
  // heaviest source files.
  const stretches: Array<{ startMs: number; ms: number; sources: Map<string, number> }> = [];
  let clock = 0;
  let current: (typeof stretches)[number] | null = null;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    clock += ms;
    const frame = byNode.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") {
      if (current && current.ms >= 50) stretches.push(current);
      current = null;
      return;
    }
    current ??= { startMs: clock, ms: 0, sources: new Map() };
    current.ms += ms;
    const key = sourceOf.get(id) ?? "?";
    current.sources.set(key, (current.sources.get(key) ?? 0) + ms);
  });
  if (current && (current as { ms: number }).ms >= 50) stretches.push(current);
  const top = (entries: Map<string, number>, n: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, ms]) => `${ms.toFixed(0).padStart(6)} ms  ${key}`)
      .join("\n");
  console.info(
    `${screen}: ${total.toFixed(0)} ms sampled (4x slowdown)\n\nby source file\n${top(bySource, 30)}`,
  );
  // Inclusive time per source file: a module's factory counts what it calls (schemas built at load).
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (byNode.get(id)?.callFrame.functionName === "(idle)") return;
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
      const source = sourceOf.get(node) ?? locate(node);
      if (source) seen.add(source);
    }
    for (const source of seen) inclusive.set(source, (inclusive.get(source) ?? 0) + ms);
  });
  console.info(`\ninclusive by source file\n${top(inclusive, Number(process.env.PROFILE_TOP ?? 40))}`);
  for (const stretch of stretches)
    console.info(
      `\nbusy ${stretch.ms.toFixed(0)} ms from ${stretch.startMs.toFixed(0)} ms\n${top(stretch.sources, 6)}`,
    );
  const withPlace = new Map([...byFunction].map(([key, ms]) => [`${key}  (${rawPlace.get(key)})`, ms]));
  console.info(`\nby function\n${top(withPlace, 30)}`);
} finally {
  await app.stop();
}
