import { describe, expect, it } from "vitest";
import { listModels } from "@/tests/emulator/models.ts";
import { toModelInfo } from "../chutes/models.ts";
import { hasCapability, pickDefaultModel, selectModels } from "./catalog.ts";

// The emulator's catalog, parsed by the app's own parser: the shapes Chutes sends.
const catalog = listModels().data.flatMap((raw) => toModelInfo(raw) ?? []);
const ids = (models: Array<{ id: string }>) => models.map((m) => m.id);

describe("the model catalog", () => {
  it("reads Chutes' fields: limits, modalities, features, sampling, cache price, TEE", () => {
    const r1 = catalog.find((m) => m.id === "deepseek-ai/DeepSeek-R1-0528-TEE");
    expect(r1).toMatchObject({
      contextLength: 163840,
      maxOutputTokens: 65536,
      pricing: { input: 0.4, output: 1.75, cacheRead: 0.2 },
      confidential: true,
      inputModalities: ["text"],
    });
    expect(r1?.features).toContain("reasoning");
    expect(
      catalog.find((m) => m.id === "Qwen/Qwen3-235B-A22B-Thinking-2507")?.samplingParameters,
    ).not.toContain("temperature");
  });

  it("takes TEE from confidential_compute, not from the -TEE suffix", () => {
    const tee = { ...listModels().data[0], id: "org/Plain-Name", confidential_compute: true };
    const suffixOnly = { ...listModels().data[0], id: "org/Looks-TEE", confidential_compute: false };
    expect(toModelInfo(tee)?.confidential).toBe(true);
    expect(toModelInfo(suffixOnly)?.confidential).toBe(false);
  });

  it("keeps a model whose optional fields are malformed", () => {
    const model = toModelInfo({ id: "org/M", context_length: "big", supported_features: 3, pricing: "free" });
    expect(model).toMatchObject({ id: "org/M", contextLength: null, features: [], pricing: { input: null } });
  });

  it("filters by reasoning, vision and TEE, and by several at once", () => {
    const reasoning = ids(selectModels(catalog, { require: ["reasoning"] }));
    expect(reasoning).toContain("zai-org/GLM-4.5-Air");
    expect(reasoning).not.toContain("moonshotai/Kimi-K2-Instruct");
    expect(ids(selectModels(catalog, { require: ["vision"] }))).toEqual(["unsloth/gemma-3-12b-it"]);
    const teeReasoning = selectModels(catalog, { require: ["tee", "reasoning"] });
    expect(teeReasoning.length).toBeGreaterThan(0);
    for (const m of teeReasoning) expect(hasCapability(m, "tee") && hasCapability(m, "reasoning")).toBe(true);
    expect(ids(teeReasoning)).not.toContain("Qwen/Qwen3-32B");
  });

  it("sorts by price (cheapest first) and by context (longest first)", () => {
    const byPrice = selectModels(catalog, { sort: "price" });
    // gemma: 3*0.03+0.1 = 0.19/4; Qwen3-32B: 3*0.05+0.2 = 0.35/4.
    expect(ids(byPrice).slice(0, 2)).toEqual(["unsloth/gemma-3-12b-it", "Qwen/Qwen3-32B"]);
    const byContext = selectModels(catalog, { sort: "context" });
    expect(byContext[0]?.id).toBe("Qwen/Qwen3-235B-A22B-Thinking-2507");
    const contexts = byContext.map((m) => m.contextLength ?? 0);
    expect(contexts).toEqual([...contexts].sort((a, b) => b - a));
    expect(ids(selectModels(catalog, {}))).toEqual(ids(catalog));
  });

  it("keeps the configured default when it is offered", () => {
    expect(pickDefaultModel(catalog, "zai-org/GLM-4.6-TEE")).toEqual({ id: "zai-org/GLM-4.6-TEE" });
  });

  it("falls back to the most used priced model and says so when the default is gone", () => {
    const picked = pickDefaultModel(catalog, "deepseek-ai/Retired-Model");
    expect(picked.id).toBe(catalog[0]?.id);
    expect(picked.note).toMatch(/deepseek-ai\/Retired-Model is not offered/);
    const [first, second] = catalog;
    if (!first || !second) throw new Error("the emulator lists models");
    const unpriced = { ...first, pricing: { input: null, output: null, cacheRead: null } };
    expect(pickDefaultModel([unpriced, second], "x").id).toBe(second.id);
  });
});
