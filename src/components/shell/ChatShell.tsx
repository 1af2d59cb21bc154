"use client";

import { Composer } from "../chat/Composer.tsx";
import { EmptyConversation } from "../chat/ConversationFrame.tsx";
import { ModelPicker } from "../models/ModelPicker.tsx";
import { ChatLayout, HeaderActions, MenuButton } from "./ChatLayout.tsx";

const LOADING_CATALOG = { state: "loading" } as const;
const ignore = () => {};
const notSent = () => false;

/**
 * What the server renders for a returning user, before the browser has read its key (the key
 * lives in localStorage, which the server cannot see): the chat screen's own frame, model picker,
 * message list and composer, empty. The live ChatScreen replaces it in place once the key is read.
 */
export function ChatShell() {
  return (
    <ChatLayout
      menuButton={<MenuButton />}
      picker={<ModelPicker catalog={LOADING_CATALOG} value={null} onChange={ignore} />}
      actions={<HeaderActions />}
    >
      {/* The empty conversation, as the live chat shows it: the same paint, so nothing shifts. */}
      <EmptyConversation />
      <Composer busy={false} onSend={notSent} onStop={ignore} early />
    </ChatLayout>
  );
}
