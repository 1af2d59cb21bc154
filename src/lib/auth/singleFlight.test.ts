import { describe, expect, it } from "vitest";
import { createSingleFlight } from "./singleFlight.ts";

describe("createSingleFlight", () => {
  it("runs one task for concurrent callers of the same key, and reuses its result for a while", async () => {
    let now = 0;
    let calls = 0;
    const flight = createSingleFlight<string>(1000, { now: () => now });
    const task = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 10));
      return `result ${calls}`;
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => flight.run("k", task)));
    expect(new Set(results)).toEqual(new Set(["result 1"]));
    expect(await flight.run("k", task)).toBe("result 1");
    now = 1001;
    expect(await flight.run("k", task)).toBe("result 2");
    expect(await flight.run("other", task)).toBe("result 3");
  });

  it("does not remember results the caller wants retried", async () => {
    let calls = 0;
    const flight = createSingleFlight<number>(60_000, { retain: (n) => n > 1 });
    const task = async () => ++calls;
    expect(await flight.run("k", task)).toBe(1);
    expect(await flight.run("k", task)).toBe(2);
    expect(await flight.run("k", task)).toBe(2);
  });
});
