// @vitest-environment node
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { modelListResponseSchema } from "@/src/lib/api/models.ts";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { resetConfigForTests } from "@/src/lib/config.ts";
import { emulatorAppEnv } from "@/tests/emulator/appEnv.ts";
import { ADMIN_KEY } from "@/tests/emulator/fixtures.ts";
import { withAppEmulator } from "@/tests/support/appEmulator.ts";
import { GET } from "./route.ts";

const emulator = withAppEmulator();
const useDefaultModel = (id: string) => {
  process.env.CHUTES_DEFAULT_MODEL = id;
  resetConfigForTests();
};
afterEach(() => useDefaultModel(emulatorAppEnv(emulator.url).CHUTES_DEFAULT_MODEL));

async function models() {
  const response = await GET(
    new NextRequest("http://localhost:3000/api/models", { headers: { [API_KEY_HEADER]: ADMIN_KEY } }),
  );
  expect(response.status).toBe(200);
  return modelListResponseSchema.parse(await response.json());
}

describe("GET /api/models", () => {
  it("serves the catalog's capabilities and the configured default without a note", async () => {
    useDefaultModel("zai-org/GLM-4.6-TEE");
    const body = await models();
    expect(body.defaultModel).toBe("zai-org/GLM-4.6-TEE");
    expect(body.defaultModelNote).toBeUndefined();
    const glm = body.models.find((m) => m.id === "zai-org/GLM-4.5-Air");
    expect(glm?.features).toContain("reasoning");
    expect(glm?.pricing.cacheRead).toBe(0.025);
  });

  it("picks an available model and says so when the configured default is not in the catalog", async () => {
    useDefaultModel("deepseek-ai/DeepSeek-V9-Gone");
    const body = await models();
    expect(body.models.map((m) => m.id)).toContain(body.defaultModel);
    expect(body.defaultModel).not.toBe("deepseek-ai/DeepSeek-V9-Gone");
    expect(body.defaultModelNote).toContain("deepseek-ai/DeepSeek-V9-Gone");
    expect(body.defaultModelNote).toContain(body.defaultModel);
  });
});
