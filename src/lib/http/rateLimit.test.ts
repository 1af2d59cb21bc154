// @vitest-environment node
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type PgTestServer, startPgTestServer } from "../../../tests/rag/pg-server.ts";

type RateLimitModule = typeof import("./rateLimit.ts");

// The test server (pglite-socket) serves every connection from one PostgreSQL session, where the
// limiter's named statements, prepared once per connection, would collide: each database gets one
// connection, shared by the instances that use it. A server proper gives each connection its own.
const pools = vi.hoisted(() => new Map<string, unknown>());
vi.mock("pg", async (importOriginal) => {
  const pg = ((await importOriginal()) as { default: typeof import("pg") }).default;
  class Pool {
    constructor(options: import("pg").PoolConfig) {
      const key = String(options.connectionString);
      if (!pools.has(key)) pools.set(key, new pg.Pool({ ...options, max: 1 }));
      // biome-ignore lint/correctness/noConstructorReturn: hands every instance the one shared pool
      return pools.get(key) as Pool;
    }
  }
  return { default: { ...pg, Pool } };
});

/** A fresh copy of the module: what one app instance holds (its own counts, refusals and pool). */
async function instance(): Promise<RateLimitModule> {
  vi.resetModules();
  return await import("./rateLimit.ts");
}

const limits = (databaseUrl?: string) => ({
  DATABASE_URL: databaseUrl,
  RATE_LIMIT_KEY_CHECKS_PER_MIN: 10,
  RATE_LIMIT_CHATS_PER_MIN: 3,
  RATE_LIMIT_REQUESTS_PER_MIN: 120,
});

async function chats(rl: RateLimitModule, subject: string, settings: ReturnType<typeof limits>, n: number) {
  const verdicts = [];
  for (let i = 0; i < n; i++) verdicts.push(await rl.consumeRateLimit("chat", subject, settings));
  return verdicts;
}

describe("rate limits in one process", () => {
  it("refuses the request past the budget, saying how long to wait, and only for that subject", async () => {
    const rl = await instance();
    const verdicts = await chats(rl, "ip:10.0.0.1", limits(), 4);
    expect(verdicts.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(verdicts[3]).toMatchObject({ ok: false });
    const wait = (verdicts[3] as { retryAfterS: number }).retryAfterS;
    expect(wait).toBeGreaterThanOrEqual(59);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await rl.consumeRateLimit("chat", "ip:10.0.0.2", limits())).toEqual({ ok: true });
  });
});

describe("rate limits shared through PostgreSQL (DATABASE_URL)", () => {
  let server: PgTestServer | undefined;
  let proxied: { server: Server; sockets: Set<Socket> } | undefined;
  afterEach(async () => {
    const open = [...pools.values()] as import("pg").Pool[];
    pools.clear();
    if (proxied) for (const socket of proxied.sockets) socket.destroy();
    await Promise.all(open.map((pool) => pool.end().catch(() => undefined)));
    await server?.stop();
    server = undefined;
    if (proxied) {
      await new Promise((resolve) => proxied?.server.close(resolve));
      proxied = undefined;
    }
  });

  it("refuses on a second instance what the first one spent, from the request after the shared count passed it", async () => {
    server = await startPgTestServer({ withVector: false });
    const settings = limits(server.url);
    const first = await instance();
    const second = await instance();

    expect(await chats(first, "ip:10.0.0.9", settings, 3)).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    await first.sharedRateLimitsSettled();
    // The second instance has counted nothing itself: its first request goes through while it
    // learns the shared count, the next one is refused.
    expect(await second.consumeRateLimit("chat", "ip:10.0.0.9", settings)).toEqual({ ok: true });
    await second.sharedRateLimitsSettled();
    const refused = await second.consumeRateLimit("chat", "ip:10.0.0.9", settings);
    expect(refused).toMatchObject({ ok: false });
    expect((refused as { retryAfterS: number }).retryAfterS).toBeGreaterThanOrEqual(1);
    // Another subject is untouched, on either instance.
    expect(await second.consumeRateLimit("chat", "ip:10.0.0.10", settings)).toEqual({ ok: true });
    // The first instance refuses its own fourth at once.
    expect(await first.consumeRateLimit("chat", "ip:10.0.0.9", settings)).toMatchObject({ ok: false });
  });

  it("answers without waiting for the database, which still gets every count", async () => {
    server = await startPgTestServer({ withVector: false });
    const dbPort = Number(new URL(server.url).port);
    // A proxy in front of the database that can hold its answers back.
    let held: Array<() => void> | null = null;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(dbPort, "127.0.0.1");
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => undefined);
      }
      client.pipe(upstream);
      upstream.on("data", (data: Buffer) => {
        const forward = () => client.write(data);
        if (held) held.push(forward);
        else forward();
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    proxied = { server: proxy, sockets };
    const url = new URL(server.url);
    url.port = String((proxy.address() as { port: number }).port);
    const settings = limits(url.toString());
    const rl = await instance();
    expect(await rl.consumeRateLimit("chat", "ip:10.0.0.20", settings)).toEqual({ ok: true });
    await rl.sharedRateLimitsSettled(); // the table exists, the first count is in

    held = [];
    // The database's answers are held: each verdict still arrives, the fourth a refusal.
    expect(await chats(rl, "ip:10.0.0.20", settings, 3)).toEqual([
      { ok: true },
      { ok: true },
      { ok: false, retryAfterS: expect.any(Number) },
    ]);
    const release = held;
    held = null;
    for (const forward of release) forward();
    await rl.sharedRateLimitsSettled();
    // Written all the same once the database answered: the count the other instances read.
    const rows = await server.db.query<{ points: number }>("SELECT points FROM rate_limits");
    expect(rows.rows).toEqual([{ points: 3 }]);
  });
});
