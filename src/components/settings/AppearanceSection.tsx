"use client";

import { useId } from "react";
import type { Theme } from "../theme/theme.ts";
import { SettingsSection } from "./SettingsPanel.tsx";

const OPTIONS: Array<{ value: Theme; label: string }> = [
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
  { value: "system", label: "System" },
];

export function AppearanceSection({ theme, onTheme }: { theme: Theme; onTheme: (theme: Theme) => void }) {
  const name = useId();
  return (
    <SettingsSection title="Appearance">
      <fieldset>
        <legend className="text-sm font-medium">Theme</legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {OPTIONS.map((option) => (
            <label
              key={option.value}
              className="flex items-center gap-2 rounded-lg border border-zinc-400 px-3 py-1.5 text-sm has-[:checked]:border-sky-700 has-[:checked]:bg-sky-50 dark:border-zinc-600 dark:has-[:checked]:border-sky-400 dark:has-[:checked]:bg-sky-950"
            >
              <input
                type="radio"
                name={name}
                value={option.value}
                checked={theme === option.value}
                onChange={() => onTheme(option.value)}
              />
              {option.label}
            </label>
          ))}
        </div>
      </fieldset>
    </SettingsSection>
  );
}
