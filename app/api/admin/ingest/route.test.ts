// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getConfig, resetConfigForTests } from "@/src/lib/config.ts";
import { advertiseIngestHandoff, HANDOFF_FILE, readHandoff } from "@/src/lib/ingestHandoff/handoffFile.ts";
import { handoffLineSchema } from "@/src/lib/ingestHandoff/protocol.ts";
import { getKbStore } from "@/src/lib/rag/store.ts";
import { POST } from "./route.ts";

// The operator-only route `npm run ingest` hands its work to: the app ingests into its own store,
// streaming progress, and anyone without the hand-off token (or off this machine) sees a 404.

let dataDir: string;
let corpus: string;
let token: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "chutes-chat-handoff-"));
  corpus = join(dataDir, "corpus");
  mkdirSync(corpus);
  writeFileSync(join(corpus, "a.md"), "# Alpha\n\nThe alpha document talks about sailing boats.\n");
  writeFileSync(join(corpus, "b.md"), "# Beta\n\nThe beta document talks about mountain huts.\n");
  vi.stubEnv("DATA_DIR", dataDir);
  resetConfigForTests();
  token = advertiseIngestHandoff(dataDir, 3999).token;
});
afterAll(async () => {
  await getKbStore(getConfig()).close();
  vi.unstubAllEnvs();
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return POST(
    new NextRequest("http://127.0.0.1:3999/api/admin/ingest", {
      method: "POST",
      headers: { host: "127.0.0.1:3999", "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
}

const job = () => ({ paths: [corpus], prune: false, reset: false, textOnly: true, baseDir: dataDir });

describe("ingest hand-off", () => {
  it("leaves an operator-only hand-off file (mode 0600) with the port and token", () => {
    expect(statSync(join(dataDir, HANDOFF_FILE)).mode & 0o777).toBe(0o600);
    expect(readHandoff(dataDir)).toEqual({ pid: process.pid, port: 3999, token });
  });

  it("answers 404 without the token, with a wrong one, or from off this machine", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${"x".repeat(token.length)}` },
      { authorization: `Bearer ${token}`, host: "chat.example.com" },
      { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.9" },
    ];
    for (const headers of attempts) {
      const response = await post(job(), headers);
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("not_found");
    }
  });

  it("runs the ingest in the app's own store and streams progress, then the summary", async () => {
    const response = await post(job(), { authorization: `Bearer ${token}` });
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((line) => handoffLineSchema.parse(JSON.parse(line)));
    expect(lines.filter((l) => l.type === "progress").length).toBeGreaterThanOrEqual(2);
    const last = lines.at(-1);
    expect(last?.type).toBe("done");
    if (last?.type === "done") expect(last.summary.documents).toMatchObject({ seen: 2, added: 2 });
    // The same store the app answers from now has the documents.
    const hits = await getKbStore(getConfig()).searchText("mountain huts", 5);
    expect(hits.map((h) => h.source)).toContain("corpus/b.md");
  });

  it("refuses a malformed job with the error table's JSON", async () => {
    const response = await post({ ...job(), paths: [] }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_request");
  });
});
