// @vitest-environment node
import { describe, expect, it } from "vitest";
import { drainStreams, isDraining, openStreamCount, shutdownSignal, trackStream } from "./inflight.ts";

describe("draining open streams at shutdown", () => {
  it("lets a stream that finishes in time finish, aborts the one that does not, then cuts upstream", async () => {
    const aborted: string[] = [];
    const quick = trackStream(() => aborted.push("quick"));
    trackStream(() => aborted.push("endless"));
    expect(openStreamCount()).toBe(2);
    setTimeout(quick, 5);

    const result = await drainStreams(200);

    expect(result).toEqual({ finished: 1, aborted: 1 });
    expect(aborted).toEqual(["endless"]);
    expect(shutdownSignal().aborted).toBe(true);
    expect(isDraining()).toBe(true);
  });
});
