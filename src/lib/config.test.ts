// @vitest-environment node
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.ts";

describe("parseConfig", () => {
  it("defaults to the real Chutes hosts", () => {
    const config = parseConfig({});
    expect(config.CHUTES_API_URL).toBe("https://api.chutes.ai");
    expect(config.CHUTES_LLM_URL).toBe("https://llm.chutes.ai/v1");
    expect(config.CHUTES_EMBEDDING_MODEL).toBe("BAAI/bge-m3");
  });

  it("treats empty values as unset and trims trailing slashes", () => {
    expect(
      parseConfig({ CHUTES_API_URL: "", CHUTES_LLM_URL: "http://127.0.0.1:8787/llm/v1/" }).CHUTES_LLM_URL,
    ).toBe("http://127.0.0.1:8787/llm/v1");
  });

  it("stops with one line naming the variable and what it expects", () => {
    expect(() => parseConfig({ CHUTES_LLM_URL: "llm.chutes.ai" })).toThrow(
      new ConfigError('Invalid setting CHUTES_LLM_URL: expected an http(s) URL (got "llm.chutes.ai")'),
    );
    expect(() => parseConfig({ RAG_TOP_K: "many" })).toThrow(/^Invalid setting RAG_TOP_K: expected a number/);
  });

  it("names every invalid setting, one line each", () => {
    expect(() =>
      parseConfig({ CHUTES_LLM_URL: "llm.chutes.ai", SHUTDOWN_GRACE_MS: "soon", LOG_LEVEL: "loud" }),
    ).toThrow(
      /^Invalid setting CHUTES_LLM_URL: .*\nInvalid setting SHUTDOWN_GRACE_MS: expected a number.*\nInvalid setting LOG_LEVEL: .*"loud"/,
    );
  });

  it("never echoes a secret setting's value", () => {
    try {
      parseConfig({ CHUTES_API_KEY: "cpk_not-a-real-key-but-secret" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        "Invalid setting CHUTES_API_KEY: expected a Chutes API key (cpk_...)",
      );
    }
  });
});
