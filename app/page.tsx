import { ChatApp } from "@/src/components/ChatApp.tsx";
import { getConfig } from "@/src/lib/config.ts";

// Read at request time: the default model is a runtime setting, not a build-time one.
export const dynamic = "force-dynamic";

export default function Home() {
  return <ChatApp defaultModel={getConfig().CHUTES_DEFAULT_MODEL} />;
}
