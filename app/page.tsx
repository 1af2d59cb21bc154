import { ChatApp } from "@/src/components/shell/ChatApp.tsx";
import { getConfig } from "@/src/lib/config.ts";

// Read at request time: the default model and OAuth settings are runtime settings.
export const dynamic = "force-dynamic";

export default function Home() {
  const config = getConfig();
  return (
    <ChatApp defaultModel={config.CHUTES_DEFAULT_MODEL} oauthEnabled={Boolean(config.CHUTES_CLIENT_ID)} />
  );
}
