// @vitest-environment node
import { describe, expect, it } from "vitest";
import { postChat, userTurn, withEmulator } from "./testkit.ts";

const emulator = withEmulator();

describe("a used-up quota", () => {
  it("comes back as a 402 that says when the quota resets", async () => {
    emulator().inject({ failure: "quota_exceeded", match: { path: "chat" } });
    const response = await postChat({ model: "Qwen/Qwen3-32B", messages: [userTurn("Hi")] });
    expect(response.status).toBe(402);
    const { error } = (await response.json()) as {
      error: { code: string; message: string; resetsAt?: string };
    };
    expect(error.code).toBe("payment_required");
    expect(error.message).toMatch(/^Quota exceeded/);
    const resetsAt = new Date(error.resetsAt ?? "");
    expect(resetsAt.getUTCHours()).toBe(0);
    expect(resetsAt.getTime()).toBeGreaterThan(Date.now());
    expect(resetsAt.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
  });
});
