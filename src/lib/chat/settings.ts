import { z } from "zod";
import {
  type ChatSettingName,
  type ChatSettings,
  chatSettingsSchema,
  SAMPLING_PARAMETER_OF,
} from "../api/chat.ts";
import type { ModelInfo } from "../api/models.ts";
import { formatCount } from "../formatCount.ts";

// Per-conversation settings in the browser: which ones the chosen model takes, the message next
// to a field whose value the server would refuse, and the user's saved presets.

/**
 * The settings a model takes: the system prompt always; a sampling setting when the model lists
 * its parameter (or lists none, so nothing is known); reasoning effort only for reasoning models.
 */
export function offeredSettings(
  model: Pick<ModelInfo, "samplingParameters" | "features"> | null,
): Set<ChatSettingName> {
  const offered = new Set<ChatSettingName>(["systemPrompt"]);
  const listed = model?.samplingParameters ?? null;
  for (const [name, parameter] of Object.entries(SAMPLING_PARAMETER_OF) as Array<
    [Exclude<ChatSettingName, "systemPrompt">, string]
  >) {
    if (name === "reasoningEffort") {
      const reasons = model?.features.includes("reasoning") ?? false;
      if (reasons && (listed === null || listed.includes(parameter))) offered.add(name);
    } else if (listed === null || listed.includes(parameter)) offered.add(name);
  }
  return offered;
}

/** Only the settings the model takes: the rest would be refused or ignored upstream. */
export function settingsForModel(
  settings: ChatSettings,
  offered: ReadonlySet<ChatSettingName>,
): ChatSettings {
  return Object.fromEntries(
    Object.entries(settings).filter(
      ([name, value]) => value !== undefined && offered.has(name as ChatSettingName),
    ),
  ) as ChatSettings;
}

export type SettingErrors = Partial<Record<ChatSettingName, string>>;

/** The server's own schema, field by field: what the route would answer with a 400. */
export function settingErrors(settings: unknown, maxOutputLimit?: number | null): SettingErrors {
  const errors: SettingErrors = {};
  const parsed = chatSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as ChatSettingName | undefined;
      if (field && !errors[field]) errors[field] = issue.message;
    }
    return errors;
  }
  // The model's own limit is narrower than the schema's general one.
  const max = parsed.data.maxOutputTokens;
  if (max !== undefined && maxOutputLimit && max > maxOutputLimit)
    errors.maxOutputTokens = `at most ${formatCount(maxOutputLimit)} for this model`;
  return errors;
}

export const PRESETS_STORAGE_KEY = "chutes-chat:setting-presets";

export const presetSchema = z.object({
  name: z.string().trim().min(1).max(60),
  settings: chatSettingsSchema,
});

export type SettingsPreset = z.infer<typeof presetSchema>;

const presetListSchema = z.array(presetSchema).max(50);

/** Saved presets; a damaged entry is dropped, never the whole list. */
export function loadPresets(
  storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage,
): SettingsPreset[] {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(PRESETS_STORAGE_KEY) ?? "[]");
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((entry) => {
      const parsed = presetSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  } catch {
    return [];
  }
}

/** Saves under its name, replacing a preset of the same name. Returns the new list. */
export function savePreset(
  preset: SettingsPreset,
  storage: Pick<Storage, "getItem" | "setItem"> | undefined = globalThis.localStorage,
): SettingsPreset[] {
  const valid = presetSchema.parse(preset);
  const list = [...loadPresets(storage).filter((p) => p.name !== valid.name), valid];
  storage?.setItem(PRESETS_STORAGE_KEY, JSON.stringify(presetListSchema.parse(list.slice(-50))));
  return list;
}

export function deletePreset(
  name: string,
  storage: Pick<Storage, "getItem" | "setItem"> | undefined = globalThis.localStorage,
): SettingsPreset[] {
  const list = loadPresets(storage).filter((p) => p.name !== name);
  storage?.setItem(PRESETS_STORAGE_KEY, JSON.stringify(list));
  return list;
}
