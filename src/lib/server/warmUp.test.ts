// @vitest-environment node
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ADMIN_KEY } from "../../../tests/emulator/fixtures.ts";
import { type AppConfig, parseConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { createKbStore, type DocumentInput, type KbStore, storeOptionsFromConfig } from "../rag/store.ts";
import { warmChatRoute, warmUp } from "./warmUp.ts";
import { isWarmUpRequest, WARM_UP_HEADER } from "./warmUpAnswer.ts";

const holder = globalThis as { __chutesChatLogger?: unknown };
let previousLogger: unknown;
let logged = "";

beforeEach(() => {
  logged = "";
  previousLogger = holder.__chutesChatLogger;
  holder.__chutesChatLogger = createLogger(
    new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    }),
    "info",
  );
});
afterEach(() => {
  holder.__chutesChatLogger = previousLogger;
  vi.restoreAllMocks();
});

/** A document of one embedded chunk. */
function oneChunk(text: string, embedding: number[]): DocumentInput {
  return {
    source: "a.md",
    title: "a",
    contentHash: "a",
    chunks: [
      { ordinal: 0, headingPath: "", text, tokenCount: text.split(" ").length, contentHash: "c0", embedding },
    ],
  };
}

/**
 * Runs `test` on the embedded store of a data folder of its own (after `prepare`, if given, has
 * filled the folder), then closes the store and removes the folder.
 */
async function withStore(
  test: (store: KbStore, config: AppConfig) => Promise<void>,
  prepare?: (dataDir: string) => Promise<void>,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "chutes-chat-warmup-"));
  try {
    await prepare?.(dataDir);
    const config = parseConfig({ DATA_DIR: dataDir, CHUTES_API_KEY: ADMIN_KEY });
    const store = createKbStore(storeOptionsFromConfig(config));
    try {
      await test(store, config);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("warming up at server start", () => {
  it(
    "opens the embedded knowledge base and runs its status query, without calling upstream",
    () =>
      withStore(async (store, config) => {
        const fetchSpy = vi.spyOn(globalThis, "fetch");
        const status = vi.spyOn(store, "status");
        expect((await warmUp(config, () => store)).ok).toBe(true);
        expect(status).toHaveBeenCalledTimes(1);
        // Migrated and open: the knowledge base answers at once.
        expect(await store.status()).toMatchObject({
          hasChunks: false,
          meta: { model: config.CHUTES_EMBEDDING_MODEL },
        });
        expect(fetchSpy).not.toHaveBeenCalled();
      }),
    60_000,
  );

  it(
    "runs each search once on a knowledge base with documents, so no question pays for its plan",
    () =>
      withStore(async (store, config) => {
        const dimensions = config.CHUTES_EMBEDDING_DIMENSIONS;
        await store.writeDocument(
          oneChunk(
            "Rotate the signing key",
            Array.from({ length: dimensions }, (_, i) => (i === 1 ? 1 : 0)),
          ),
        );
        const text = vi.spyOn(store, "searchText");
        const vector = vi.spyOn(store, "searchVector");
        expect((await warmUp(config, () => store)).ok).toBe(true);
        expect(text).toHaveBeenCalledTimes(1);
        expect(vector).toHaveBeenCalledTimes(1);
      }),
    60_000,
  );

  it(
    "leaves a knowledge base built for another model to the first question, and still opens",
    () =>
      withStore(
        async (store, config) => {
          const vector = vi.spyOn(store, "searchVector");
          expect((await warmUp(config, () => store)).ok).toBe(true);
          expect(vector).not.toHaveBeenCalled();
          expect(logged).not.toContain("not opened at start");
        },
        async (dataDir) => {
          const built = parseConfig({
            DATA_DIR: dataDir,
            CHUTES_API_KEY: ADMIN_KEY,
            CHUTES_EMBEDDING_DIMENSIONS: "8",
          });
          const old = createKbStore(storeOptionsFromConfig(built));
          await old.writeDocument(oneChunk("alpha", Array(8).fill(0.5)));
          await old.close();
        },
      ),
    60_000,
  );

  it("does not fail when the database is unreachable, and logs no connection string", async () => {
    const config = parseConfig({ DATABASE_URL: "postgres://user:pw-secret@127.0.0.1:1/kb" });
    const result = await warmUp(config);
    expect(result.ok).toBe(false);
    expect(logged).toContain("knowledge base not opened at start");
    expect(logged).not.toContain("pw-secret");
  });

  it("never throws, whatever the store does", async () => {
    const broken = { status: () => Promise.reject(new Error("postgres://u:secret@db/x refused")) };
    await expect(warmUp(parseConfig({}), () => broken as unknown as KbStore)).resolves.toMatchObject({
      ok: false,
    });
    expect(logged).not.toContain("secret");
  });

  it("asks the chat route one question marked with this process's token, carrying no credential", async () => {
    const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (data: Buffer) => {
        body += data.toString();
      });
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(200, { "content-type": "text/event-stream" }).end('data: {"type":"finish"}\n\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await warmChatRoute(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, parseConfig({}));
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ method: "POST", url: "/api/chat" });
      const sent = String(seen[0]?.headers[WARM_UP_HEADER]);
      expect(sent).toMatch(/^[\w-]{32}$/);
      // Answered: the token is forgotten, and the same header is an ordinary request's from now on.
      const again = new Request("http://127.0.0.1/api/chat", { headers: { [WARM_UP_HEADER]: sent } });
      expect(isWarmUpRequest(again)).toBe(false);
      expect(JSON.parse(seen[0]?.body ?? "{}")).toMatchObject({
        model: parseConfig({}).CHUTES_DEFAULT_MODEL,
        messages: [{ role: "user" }],
      });
      expect(Object.keys(seen[0]?.headers ?? {})).not.toContain("authorization");
      expect(Object.keys(seen[0]?.headers ?? {})).not.toContain("x-chutes-api-key");
      expect(Object.keys(seen[0]?.headers ?? {})).not.toContain("cookie");
    } finally {
      server.close();
    }
    // Nothing listening: no throw, the first chat simply pays as before.
    await expect(warmChatRoute("http://127.0.0.1:1", parseConfig({}))).resolves.toBeUndefined();
  });
});
