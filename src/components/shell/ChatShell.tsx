"use client";

import { Composer } from "../chat/Composer.tsx";
import { ModelPicker } from "../models/ModelPicker.tsx";
import { ChatLayout, HeaderActions, MenuButton } from "./ChatLayout.tsx";

const LOADING_CATALOG = { state: "loading" } as const;
const ignore = () => {};
const notSent = () => false;

/**
 * What the server renders for a returning user, before the browser has read its key (the key
 * lives in localStorage, which the server cannot see): the chat screen's own frame, model picker
 * and composer, empty. The live ChatScreen replaces it in place once the key is read.
 */
export function ChatShell() {
  return (
    <ChatLayout
      menuButton={<MenuButton />}
      picker={<ModelPicker catalog={LOADING_CATALOG} value={null} onChange={ignore} />}
      actions={<HeaderActions />}
    >
      <div aria-busy="true" className="min-h-0 flex-1">
        <p className="py-16 text-center text-zinc-700 dark:text-zinc-300">Opening your chat…</p>
      </div>
      <Composer busy={false} onSend={notSent} onStop={ignore} />
    </ChatLayout>
  );
}
