"use client";

import { z } from "zod";

// zod probes `new Function` once to choose its fast object parser. The page's CSP has no
// 'unsafe-eval', so the browser refuses the probe and reports a CSP violation (zod then falls back).
// Telling zod not to try keeps the violation log meaningful. Rendered first in the layout, so this
// module runs before any client component parses with zod.
z.config({ jitless: true });

export function ZodJitless(): null {
  return null;
}
