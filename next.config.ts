import { readFileSync, writeFileSync } from "node:fs";
import type { NextConfig } from "next";

// Lets two builds (e.g. parallel browser-test runs) live side by side; the default is .next.
const distDir = process.env.NEXT_DIST_DIR || ".next";

// `next build` adds `<distDir>/types/**/*.ts` to the tsconfig it type-checks with. For another
// dist dir, point it at a generated, git-ignored copy (`<distDir>.tsconfig.json`) so the tracked
// tsconfig.json is never rewritten.
function tsconfigFor(dir: string): string | undefined {
  if (dir === ".next") return undefined;
  const path = `${dir.replace(/\/+$/, "")}.tsconfig.json`;
  const base = JSON.parse(readFileSync("tsconfig.json", "utf8")) as { include?: string[] };
  const include = [...(base.include ?? []), `${dir}/types/**/*.ts`, `${dir}/dev/types/**/*.ts`];
  writeFileSync(path, `${JSON.stringify({ ...base, include }, null, 2)}\n`);
  return path;
}
const tsconfigPath = tsconfigFor(distDir);

const nextConfig: NextConfig = {
  // A self-contained server in <distDir>/standalone (what the Dockerfile ships).
  output: "standalone",
  // PGlite ships wasm and data files; keep it (and pg, pino) out of the bundle so tracing copies
  // the packages whole.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-pgvector", "pg", "pino"],
  // The app uses no next/image, so sharp (about 20 MB) stays out of the standalone folder; the
  // knowledge-base sources it traces through the ingest module need not bring their tests.
  outputFileTracingExcludes: {
    "*": ["node_modules/sharp/**", "node_modules/@img/**", "**/*.test.ts", "**/*.test.tsx"],
  },
  poweredByHeader: false,
  turbopack: {
    // The browser never calls a model itself; see src/lib/browser/noAiGateway.ts.
    resolveAlias: { "@ai-sdk/gateway": { browser: "./src/lib/browser/noAiGateway.ts" } },
  },
  // For profiling the browser's work (bench/profile-page.ts); never in a shipped build.
  productionBrowserSourceMaps: process.env.NEXT_BROWSER_SOURCEMAPS === "1",
  distDir,
  typescript: {
    ...(tsconfigPath ? { tsconfigPath } : {}),
    // CI (and the benchmarks) type-check in their own step first; NEXT_SKIP_TYPECHECK=1 spares the
    // build a second pass over the same files.
    ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === "1",
  },
};

export default nextConfig;
