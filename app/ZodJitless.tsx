"use client";

// zod probes `new Function` once to choose its fast object parser. The page's CSP has no
// 'unsafe-eval', so the browser refuses the probe and reports a CSP violation (zod then falls back).
// Telling zod not to try keeps the violation log meaningful. zod keeps its settings on globalThis
// (`__zod_globalConfig`, read by zod/v4/core's `config`), so they are set here without loading zod:
// the first paint has no zod at all, and the chat's lazy chunk finds `jitless` already set. Rendered
// first in the layout, before any client code parses. The CSP browser test fails if zod stops
// reading it.
const settings = globalThis as { __zod_globalConfig?: Record<string, unknown> };
// Mutated in place: zod holds on to this object once it has loaded.
settings.__zod_globalConfig ??= {};
settings.__zod_globalConfig.jitless = true;

export function ZodJitless(): null {
  return null;
}
