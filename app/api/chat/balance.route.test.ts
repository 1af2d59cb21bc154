// @vitest-environment node
import { describe, expect, it } from "vitest";
import { SCOPED_KEY } from "@/tests/emulator/fixtures.ts";
import { postChat, streamChunks, userTurn, withEmulator } from "./testkit.ts";

// The balance after each answer, read where the credential may (admin key), from the emulator,
// which bills each answer at the model's prices.

const emulator = withEmulator();
const body = (readBalance: boolean) => ({
  model: "deepseek-ai/DeepSeek-R1-0528-TEE",
  messages: [userTurn("How much did that cost?")],
  readBalance,
});

const balanceOf = async (response: Response) => {
  const chunks = await streamChunks(response);
  const finishAt = chunks.findIndex((c) => c.type === "finish");
  const meta = chunks.find(
    (c) => c.type === "message-metadata" && (c.messageMetadata as { balance?: number }).balance !== undefined,
  );
  return {
    balance: (meta?.messageMetadata as { balance?: number } | undefined)?.balance,
    beforeFinish: meta ? chunks.indexOf(meta) < finishAt : false,
  };
};

describe("balance after each answer", () => {
  it("sends the balance Chutes reports after billing the answer, before the finish", async () => {
    const first = await balanceOf(await postChat(body(true)));
    expect(first.beforeFinish).toBe(true);
    expect(first.balance).toBeLessThan(12.5);
    expect(first.balance).toBeGreaterThan(12.4);
    const second = await balanceOf(await postChat(body(true)));
    expect(second.balance).toBeLessThan(first.balance ?? 0);
    const state = (await (await fetch(`${emulator().url}/_emulator/state`)).json()) as {
      balances: Record<string, number>;
    };
    expect(second.balance).toBe(state.balances.alice);
  });

  it("does not ask when the browser did not ask, or when the key may not read it", async () => {
    expect((await balanceOf(await postChat(body(false)))).balance).toBeUndefined();
    const scoped = await postChat(body(true), SCOPED_KEY);
    expect(scoped.status).toBe(200);
    expect((await balanceOf(scoped)).balance).toBeUndefined();
    expect(
      emulator()
        .requests({ path: "/users/me" })
        .map((r) => r.headers.authorization),
    ).toEqual([`Bearer ${SCOPED_KEY}`]);
  });
});
