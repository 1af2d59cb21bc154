// @vitest-environment node
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { modelListResponseSchema } from "@/src/lib/api/models.ts";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { resetConfigForTests } from "@/src/lib/config.ts";
import { ADMIN_KEY } from "@/tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "@/tests/emulator/server.ts";
import { GET } from "./route.ts";

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  process.env.CHUTES_API_URL = emulator.url;
  process.env.CHUTES_LLM_URL = `${emulator.url}/llm/v1`;
  resetConfigForTests();
});
afterAll(async () => {
  await emulator.close();
  delete process.env.CHUTES_API_URL;
  delete process.env.CHUTES_LLM_URL;
  resetConfigForTests();
});
afterEach(() => {
  delete process.env.CHUTES_DEFAULT_MODEL;
  resetConfigForTests();
});

async function models() {
  const response = await GET(
    new NextRequest("http://localhost:3000/api/models", { headers: { [API_KEY_HEADER]: ADMIN_KEY } }),
  );
  expect(response.status).toBe(200);
  return modelListResponseSchema.parse(await response.json());
}

describe("GET /api/models", () => {
  it("serves the catalog's capabilities and the configured default without a note", async () => {
    process.env.CHUTES_DEFAULT_MODEL = "zai-org/GLM-4.6-TEE";
    resetConfigForTests();
    const body = await models();
    expect(body.defaultModel).toBe("zai-org/GLM-4.6-TEE");
    expect(body.defaultModelNote).toBeUndefined();
    const glm = body.models.find((m) => m.id === "zai-org/GLM-4.5-Air");
    expect(glm?.features).toContain("reasoning");
    expect(glm?.pricing.cacheRead).toBe(0.025);
  });

  it("picks an available model and says so when the configured default is not in the catalog", async () => {
    process.env.CHUTES_DEFAULT_MODEL = "deepseek-ai/DeepSeek-V9-Gone";
    resetConfigForTests();
    const body = await models();
    expect(body.models.map((m) => m.id)).toContain(body.defaultModel);
    expect(body.defaultModel).not.toBe("deepseek-ai/DeepSeek-V9-Gone");
    expect(body.defaultModelNote).toContain("deepseek-ai/DeepSeek-V9-Gone");
    expect(body.defaultModelNote).toContain(body.defaultModel);
  });
});
