import { describe, expect, it, vi } from "vitest";
import { rememberingCounts } from "./useTokenCounter.ts";

describe("the composer's token counter", () => {
  it("counts a text again only once it is no longer among the last few counted", () => {
    const count = vi.fn((text: string) => text.length);
    const counter = rememberingCounts(count, 2);
    expect([counter("draft"), counter("system"), counter("draft")]).toEqual([5, 6, 5]);
    expect(count).toHaveBeenCalledTimes(2);
    counter("a third text");
    expect(counter("draft")).toBe(5); // pushed out by the third text: counted again
    expect(count).toHaveBeenCalledTimes(4);
  });
});
