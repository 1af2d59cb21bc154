// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type PgTestServer, startPgTestServer } from "@/tests/rag/pg-server.ts";
import { resetConfigForTests } from "./config.ts";
import { checkStartupOrExit } from "./startupCheck.ts";

// The server refuses to start, with one line an operator can act on, when its database has no
// pgvector. (A real PostgreSQL wire server without the extension, from the test helper.)

let server: PgTestServer;
beforeAll(async () => {
  server = await startPgTestServer({ withVector: false });
}, 60_000);
afterAll(async () => {
  delete process.env.DATABASE_URL;
  resetConfigForTests();
  await server.stop();
});

describe("start-up check", () => {
  it("stops with an install hint when DATABASE_URL points at a server without pgvector", async () => {
    process.env.DATABASE_URL = server.url;
    resetConfigForTests();
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await checkStartupOrExit();
    expect(exit).toHaveBeenCalledWith(1);
    expect(error.mock.calls[0]?.[0]).toMatch(/^chutes-chat: .*pgvector\/pgvector/);
    expect(error.mock.calls[0]?.[0]).not.toContain(server.url);
    exit.mockRestore();
    error.mockRestore();
  });
});
