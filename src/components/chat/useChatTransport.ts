"use client";

import { DefaultChatTransport } from "ai";
import { useLayoutEffect, useMemo, useRef } from "react";
import type { Connection } from "@/src/hooks/useConnection.ts";
import { documentsForRequest } from "@/src/lib/api/documents.ts";
import { imagesForModel } from "@/src/lib/api/images.ts";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { withoutVersions } from "@/src/lib/chat/versions.ts";

type ModelRequestBody = { model: string; readBalance?: boolean };

/** Admin keys and OAuth sessions may read the balance; scoped keys and OpenRouter may not here. */
const mayReadBalance = (session: Connection) => session.status === "oauth" || session.user?.scope === "admin";

/** One transport for every conversation; it reads the current credential and model at request time. */
export function useChatTransport(
  session: Connection,
  model: string | null,
  /** The chosen model takes images (true while unknown: Chutes then says what it refuses). */
  acceptsImages = true,
): DefaultChatTransport<ChatMessage> {
  const sessionRef = useRef(session);
  const modelRef = useRef(model);
  const imagesRef = useRef(acceptsImages);
  useLayoutEffect(() => {
    imagesRef.current = acceptsImages;
  }, [acceptsImages]);
  const modelWaiters = useRef<Array<(body: ModelRequestBody) => void>>([]);
  useLayoutEffect(() => {
    sessionRef.current = session;
  }, [session]);
  useLayoutEffect(() => {
    modelRef.current = model;
    if (model === null) return;
    for (const resolve of modelWaiters.current.splice(0))
      resolve({ model, readBalance: mayReadBalance(sessionRef.current) });
  }, [model]);

  return useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: "/api/chat",
        headers: () => sessionRef.current.requestHeaders(),
        // A message sent before the model list arrived waits for it rather than guessing a model.
        body: () => {
          const current = modelRef.current;
          if (current !== null) return { model: current, readBalance: mayReadBalance(sessionRef.current) };
          return new Promise<ModelRequestBody>((resolve) => {
            modelWaiters.current.push(resolve);
          });
        },
        // Earlier versions stay in the browser: they would only add bytes to every request. So do
        // images the model cannot see, and the oldest images and documents beyond the limits.
        prepareSendMessagesRequest: ({ id, messages, body, trigger, messageId }) => ({
          body: {
            ...body,
            id,
            messages: documentsForRequest(imagesForModel(withoutVersions(messages), imagesRef.current)),
            trigger,
            messageId,
          },
        }),
      }),
    [],
  );
}
