// @vitest-environment node
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { ADMIN_KEY, BROKE_KEY, OAUTH_CLIENT, SCOPED_KEY } from "./fixtures.ts";

describe("cli", () => {
  it("prints one JSON line, serves requests and exits cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "tests/emulator/cli.ts",
        "--port",
        "0",
        "--redirect-uri",
        "http://a.test/cb",
        "--redirect-uri",
        "http://b.test/cb",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", () => reject(new Error(`cli exited early: ${stderr}`)));
      });
      const info = JSON.parse(first);
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.llm).toBe(`${info.url}/llm/v1`);
      expect(info.embeddings).toBe(`${info.url}/embed/v1`);
      expect(info.keys).toEqual({ admin: ADMIN_KEY, scoped: SCOPED_KEY, broke: BROKE_KEY });
      expect(info.oauthClient).toMatchObject({
        clientId: OAUTH_CLIENT.clientId,
        clientSecret: OAUTH_CLIENT.clientSecret,
      });
      expect(info.oauthClient.redirectUris).toEqual(["http://a.test/cb", "http://b.test/cb"]);

      const models = await fetch(`${info.llm}/models`);
      expect(models.status).toBe(200);
      expect((await models.json()).data.length).toBeGreaterThan(0);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
  });
});
