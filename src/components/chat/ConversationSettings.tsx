"use client";

import { useId, useState } from "react";
import {
  CHAT_SETTING_LIMITS,
  type ChatSettingName,
  type ChatSettings,
  REASONING_EFFORTS,
} from "@/src/lib/api/chat.ts";
import {
  deletePreset,
  loadPresets,
  type SettingErrors,
  type SettingsPreset,
  savePreset,
  settingErrors,
} from "@/src/lib/chat/settings.ts";
import { formatCount } from "@/src/lib/formatCount.ts";

// The conversation's own settings, under the composer: only the fields the chosen model takes,
// each checked against the server's schema as it is typed, with the message next to the field.

type Draft = Record<ChatSettingName, string>;

const NUMERIC = ["temperature", "topP", "maxOutputTokens"] as const;

function toDraft(settings: ChatSettings): Draft {
  return {
    systemPrompt: settings.systemPrompt ?? "",
    temperature: settings.temperature?.toString() ?? "",
    topP: settings.topP?.toString() ?? "",
    maxOutputTokens: settings.maxOutputTokens?.toString() ?? "",
    reasoningEffort: settings.reasoningEffort ?? "",
  };
}

/** Empty fields are unset; a field that is not a number says so. */
function fromDraft(draft: Draft): { settings: Record<string, unknown>; notNumbers: SettingErrors } {
  const settings: Record<string, unknown> = {};
  const notNumbers: SettingErrors = {};
  if (draft.systemPrompt.trim()) settings.systemPrompt = draft.systemPrompt;
  if (draft.reasoningEffort) settings.reasoningEffort = draft.reasoningEffort;
  for (const name of NUMERIC) {
    const text = draft[name].trim();
    if (!text) continue;
    const value = Number(text);
    if (Number.isFinite(value)) settings[name] = value;
    else notNumbers[name] = "a number";
  }
  return { settings, notNumbers };
}

export interface ConversationSettingsProps {
  value: ChatSettings;
  /** Called on every edit: the settings when valid, and the errors (empty when valid). */
  onChange: (settings: ChatSettings | null, errors: SettingErrors) => void;
  offered: ReadonlySet<ChatSettingName>;
  /** The model's max_output_length. */
  maxOutputLimit: number | null;
}

export function ConversationSettings({
  value,
  onChange,
  offered,
  maxOutputLimit,
}: ConversationSettingsProps) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => toDraft(value));
  const [errors, setErrors] = useState<SettingErrors>({});
  const [presets, setPresets] = useState<SettingsPreset[]>(() => loadPresets());
  const [presetName, setPresetName] = useState("");

  function apply(next: Draft) {
    setDraft(next);
    const { settings, notNumbers } = fromDraft(next);
    const found = { ...settingErrors(settings, maxOutputLimit), ...notNumbers };
    setErrors(found);
    onChange(Object.keys(found).length === 0 ? (settings as ChatSettings) : null, found);
  }
  const edit = (name: ChatSettingName, text: string) => apply({ ...draft, [name]: text });

  const field = (name: ChatSettingName) => `${id}-${name}`;
  const errorOf = (name: ChatSettingName) =>
    errors[name] ? (
      <span id={`${field(name)}-error`} role="alert" className="text-xs text-red-800 dark:text-red-300">
        {labelOf(name)}: {errors[name]}
      </span>
    ) : null;
  const describedBy = (name: ChatSettingName) => (errors[name] ? `${field(name)}-error` : undefined);

  const { temperature, topP, maxOutputTokens } = CHAT_SETTING_LIMITS;
  const currentValid = Object.keys(errors).length === 0;

  return (
    <div data-testid="conversation-settings" className="flex flex-col gap-3 text-sm">
      <div className="flex flex-col gap-1">
        <label htmlFor={field("systemPrompt")} className="font-medium">
          System prompt
        </label>
        <textarea
          id={field("systemPrompt")}
          rows={3}
          value={draft.systemPrompt}
          maxLength={CHAT_SETTING_LIMITS.systemPrompt + 1}
          aria-invalid={Boolean(errors.systemPrompt)}
          aria-describedby={describedBy("systemPrompt")}
          onChange={(event) => edit("systemPrompt", event.target.value)}
          placeholder="Instructions for this conversation, added to the app's own"
          className="input resize-y"
        />
        {errorOf("systemPrompt")}
      </div>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        {offered.has("temperature") ? (
          <NumberField
            id={field("temperature")}
            label={`Temperature (${temperature.min}–${temperature.max})`}
            value={draft.temperature}
            invalid={Boolean(errors.temperature)}
            describedBy={describedBy("temperature")}
            onChange={(text) => edit("temperature", text)}
            error={errorOf("temperature")}
          />
        ) : null}
        {offered.has("topP") ? (
          <NumberField
            id={field("topP")}
            label={`Top-p (${topP.min}–${topP.max})`}
            value={draft.topP}
            invalid={Boolean(errors.topP)}
            describedBy={describedBy("topP")}
            onChange={(text) => edit("topP", text)}
            error={errorOf("topP")}
          />
        ) : null}
        {offered.has("maxOutputTokens") ? (
          <NumberField
            id={field("maxOutputTokens")}
            label={`Max output tokens (${maxOutputTokens.min}–${formatCount(maxOutputLimit ?? maxOutputTokens.max)})`}
            value={draft.maxOutputTokens}
            invalid={Boolean(errors.maxOutputTokens)}
            describedBy={describedBy("maxOutputTokens")}
            onChange={(text) => edit("maxOutputTokens", text)}
            error={errorOf("maxOutputTokens")}
          />
        ) : null}
        {offered.has("reasoningEffort") ? (
          <div className="flex flex-col gap-1">
            <label htmlFor={field("reasoningEffort")} className="font-medium">
              Reasoning effort
            </label>
            <select
              id={field("reasoningEffort")}
              value={draft.reasoningEffort}
              onChange={(event) => edit("reasoningEffort", event.target.value)}
              className="input"
            >
              <option value="">Model default</option>
              {REASONING_EFFORTS.map((effort) => (
                <option key={effort} value={effort}>
                  {effort}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {offered.size < 5 ? (
        <p className="text-xs text-zinc-700 dark:text-zinc-300">
          Settings this model does not take are hidden and not sent.
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-2 border-t border-zinc-200 pt-2 dark:border-zinc-800">
        {presets.length > 0 ? (
          <label className="flex flex-col gap-1">
            <span className="font-medium">Preset</span>
            <select
              value=""
              onChange={(event) => {
                const preset = presets.find((p) => p.name === event.target.value);
                if (preset) apply(toDraft(preset.settings));
              }}
              className="input"
            >
              <option value="">Load a preset…</option>
              {presets.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="flex flex-col gap-1">
          <span className="font-medium">Preset name</span>
          <input
            value={presetName}
            maxLength={60}
            onChange={(event) => setPresetName(event.target.value)}
            className="input"
          />
        </label>
        <button
          type="button"
          className="btn-secondary"
          disabled={!presetName.trim() || !currentValid}
          onClick={() => {
            const { settings } = fromDraft(draft);
            setPresets(savePreset({ name: presetName.trim(), settings: settings as ChatSettings }));
            setPresetName("");
          }}
        >
          Save as preset
        </button>
        {presets.some((p) => p.name === presetName.trim()) ? (
          <button
            type="button"
            className="btn-ghost"
            onClick={() => {
              setPresets(deletePreset(presetName.trim()));
              setPresetName("");
            }}
          >
            Delete preset
          </button>
        ) : null}
      </div>
    </div>
  );
}

function labelOf(name: ChatSettingName): string {
  return {
    systemPrompt: "System prompt",
    temperature: "Temperature",
    topP: "Top-p",
    maxOutputTokens: "Max output tokens",
    reasoningEffort: "Reasoning effort",
  }[name];
}

function NumberField(props: {
  id: string;
  label: string;
  value: string;
  invalid: boolean;
  describedBy: string | undefined;
  onChange: (text: string) => void;
  error: React.ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={props.id} className="font-medium">
        {props.label}
      </label>
      <input
        id={props.id}
        type="text"
        inputMode="decimal"
        value={props.value}
        aria-invalid={props.invalid}
        aria-describedby={props.describedBy}
        onChange={(event) => props.onChange(event.target.value)}
        placeholder="Model default"
        className="input"
      />
      {props.error}
    </div>
  );
}
