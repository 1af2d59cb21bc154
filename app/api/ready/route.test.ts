// @vitest-environment node
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/src/lib/config.ts";
import type { KbStore } from "@/src/lib/rag/store.ts";
import { startWarmUp } from "@/src/lib/server/warmUp.ts";
import { GET as health, POST as healthPost } from "../health/route.ts";
import { GET as ready } from "./route.ts";

// Readiness against a database that refuses connections, and the answers' shape: no configuration
// leaks, nothing cached.

const saved = { ...process.env };
let closedPort = 0;

beforeEach(async () => {
  // A port that was free a moment ago: connections to it are refused.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  process.env.CHUTES_LLM_URL = `http://127.0.0.1:${closedPort}/llm/v1`;
  resetConfigForTests();
});

const shared = globalThis as { __chutesChatWarmUp?: unknown; __chutesChatKbStores?: Map<string, KbStore> };

afterEach(async () => {
  process.env = { ...saved };
  resetConfigForTests();
  delete shared.__chutesChatWarmUp;
  for (const store of shared.__chutesChatKbStores?.values() ?? []) await store.close();
  shared.__chutesChatKbStores?.clear();
});

describe("/api/health and /api/ready", () => {
  it("health answers ok, uncached, and 405 JSON for other methods", async () => {
    const response = health();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
    const post = healthPost();
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await post.json()).error.code).toBe("method_not_allowed");
  });

  it("is not ready when the database is unreachable, and says so without naming it", async () => {
    process.env.DATABASE_URL = `postgres://app:hunter2-secret@127.0.0.1:${closedPort}/kb`;
    resetConfigForTests();
    const response = await ready();
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ status: "not_ready", database: "unavailable" });
    expect(text).not.toMatch(/hunter2|127\.0\.0\.1|postgres:|kb/);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("reports Chutes being unreachable as information while the app stays ready", async () => {
    delete process.env.DATABASE_URL;
    resetConfigForTests();
    const response = await ready();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", database: "embedded", chutes: "unreachable" });
  });

  it("answers 503 starting while the warm-up opens the embedded knowledge base, then ready", async () => {
    delete process.env.DATABASE_URL;
    resetConfigForTests();
    const warmUp = startWarmUp();
    const starting = await ready();
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ status: "starting", chutes: "unreachable" });
    await warmUp;
    const response = await ready();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", database: "embedded", chutes: "unreachable" });
  }, 60_000);

  it("is not ready when the embedded knowledge base could not be opened, and names no path", async () => {
    delete process.env.DATABASE_URL;
    // A file where the data folder should be: the database cannot be created there.
    const notAFolder = join(process.env.DATA_DIR ?? "", "not-a-folder");
    writeFileSync(notAFolder, "");
    process.env.DATA_DIR = notAFolder;
    resetConfigForTests();
    await startWarmUp();
    const response = await ready();
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ status: "not_ready", database: "unavailable" });
    expect(text).not.toContain("not-a-folder");
  }, 60_000);
});
