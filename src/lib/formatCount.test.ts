import { describe, expect, it } from "vitest";
import { formatCount } from "./formatCount.ts";

describe("formatCount", () => {
  it("groups thousands the way toLocaleString('en-US') does", () => {
    for (const n of [0, 7, 999, 1000, 12345, 999999, 1_000_000, 1234567890, -4200, 1234.5])
      expect(formatCount(n)).toBe(n.toLocaleString("en-US", { maximumFractionDigits: 20 }));
  });
});
