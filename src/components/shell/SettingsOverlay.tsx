"use client";

import type { ReactNode } from "react";
import type { Connection } from "@/src/hooks/useConnection.ts";
import { AppearanceSection } from "../settings/AppearanceSection.tsx";
import { ConnectionSection } from "../settings/ConnectionSection.tsx";
import { DataSection, type DataSectionProps } from "../settings/DataSection.tsx";
import { KnowledgeBaseSection } from "../settings/KnowledgeBaseSection.tsx";
import { SettingsPanel } from "../settings/SettingsPanel.tsx";
import type { Theme } from "../theme/theme.ts";

export interface SettingsOverlayProps {
  session: Connection;
  signIn?: ReactNode;
  advancedOpen: boolean;
  theme: Theme;
  onTheme: (theme: Theme) => void;
  conversations: DataSectionProps["conversations"];
  onImport: DataSectionProps["onImport"];
  onDeleteAll: DataSectionProps["onDeleteAll"];
  onClose: () => void;
}

/** The settings panel with its sections: its own chunk, loaded when the settings are first opened. */
export function SettingsOverlay(props: SettingsOverlayProps) {
  return (
    <SettingsPanel onClose={props.onClose}>
      <ConnectionSection session={props.session} signIn={props.signIn} advancedOpen={props.advancedOpen} />
      <AppearanceSection theme={props.theme} onTheme={props.onTheme} />
      <KnowledgeBaseSection requestHeaders={props.session.requestHeaders} />
      <DataSection
        conversations={props.conversations}
        onImport={props.onImport}
        onDeleteAll={props.onDeleteAll}
      />
    </SettingsPanel>
  );
}
