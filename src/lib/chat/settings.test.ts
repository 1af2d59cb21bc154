import { describe, expect, it } from "vitest";
import { listModels } from "@/tests/emulator/models.ts";
import { toModelInfo } from "../chutes/models.ts";
import {
  deletePreset,
  loadPresets,
  offeredSettings,
  PRESETS_STORAGE_KEY,
  savePreset,
  settingErrors,
  settingsForModel,
} from "./settings.ts";

const catalog = listModels().data.flatMap((raw) => toModelInfo(raw) ?? []);
const model = (id: string) => catalog.find((m) => m.id === id) ?? null;

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

describe("offeredSettings", () => {
  it("offers what the model's supported_sampling_parameters list", () => {
    expect([...offeredSettings(model("Qwen/Qwen3-32B"))].sort()).toEqual([
      "maxOutputTokens",
      "systemPrompt",
      "temperature",
      "topP",
    ]);
    // A thinking model that fixes its sampling but takes an effort level.
    expect([...offeredSettings(model("Qwen/Qwen3-235B-A22B-Thinking-2507"))].sort()).toEqual([
      "maxOutputTokens",
      "reasoningEffort",
      "systemPrompt",
    ]);
  });

  it("offers everything but effort for a model that lists nothing, and effort only to reasoning models", () => {
    const unknown = offeredSettings({ samplingParameters: null, features: [] });
    expect(unknown.has("temperature") && unknown.has("topP") && unknown.has("maxOutputTokens")).toBe(true);
    expect(unknown.has("reasoningEffort")).toBe(false);
    expect(
      offeredSettings({ samplingParameters: null, features: ["reasoning"] }).has("reasoningEffort"),
    ).toBe(true);
  });

  it("drops settings the model does not take before they are sent", () => {
    const offered = offeredSettings(model("Qwen/Qwen3-235B-A22B-Thinking-2507"));
    expect(settingsForModel({ temperature: 0.2, maxOutputTokens: 100, systemPrompt: "Hi" }, offered)).toEqual(
      {
        maxOutputTokens: 100,
        systemPrompt: "Hi",
      },
    );
  });
});

describe("settingErrors", () => {
  it("names each field the server would refuse, with its limit", () => {
    expect(settingErrors({ temperature: 3, topP: 0, maxOutputTokens: 1.5 })).toEqual({
      temperature: "between 0 and 2",
      topP: "between 0.01 and 1",
      maxOutputTokens: "a whole number of tokens",
    });
    expect(settingErrors({ temperature: 1, topP: 0.5 })).toEqual({});
  });

  it("holds the output limit to the model's max_output_length", () => {
    expect(settingErrors({ maxOutputTokens: 9000 }, 8192)).toEqual({
      maxOutputTokens: "at most 8,192 for this model",
    });
    expect(settingErrors({ maxOutputTokens: 8000 }, 8192)).toEqual({});
  });
});

describe("presets", () => {
  it("saves, replaces by name, lists and deletes", () => {
    const storage = memoryStorage();
    savePreset({ name: "Precise", settings: { temperature: 0.1 } }, storage);
    savePreset({ name: "Creative", settings: { temperature: 1.2, topP: 0.95 } }, storage);
    savePreset({ name: "Precise", settings: { temperature: 0 } }, storage);
    expect(loadPresets(storage)).toEqual([
      { name: "Creative", settings: { temperature: 1.2, topP: 0.95 } },
      { name: "Precise", settings: { temperature: 0 } },
    ]);
    expect(deletePreset("Creative", storage)).toEqual([{ name: "Precise", settings: { temperature: 0 } }]);
  });

  it("refuses to save an out-of-range preset and drops damaged stored entries", () => {
    const storage = memoryStorage();
    expect(() => savePreset({ name: "Hot", settings: { temperature: 5 } }, storage)).toThrow();
    storage.setItem(
      PRESETS_STORAGE_KEY,
      JSON.stringify([{ name: "ok", settings: {} }, { name: "bad", settings: { topP: 7 } }, "junk"]),
    );
    expect(loadPresets(storage)).toEqual([{ name: "ok", settings: {} }]);
    storage.setItem(PRESETS_STORAGE_KEY, "{not json");
    expect(loadPresets(storage)).toEqual([]);
  });
});
