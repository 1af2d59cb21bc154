// @vitest-environment node
import { describe, expect, it } from "vitest";
import { boundedMemo } from "./boundedMemo.ts";

describe("boundedMemo", () => {
  it("makes each value once, keeps at most max, and drops the least recently used first", () => {
    const made: string[] = [];
    const memo = boundedMemo<string>(2);
    const get = (key: string) =>
      memo(key, () => {
        made.push(key);
        return `value of ${key}`;
      });
    expect(get("a")).toBe("value of a");
    get("b");
    get("a"); // a is now the most recently used
    get("c"); // full: b goes
    get("a");
    get("b");
    expect(made).toEqual(["a", "b", "c", "b"]);
  });
});
