// Shared by the chat route's tests: the real emulator behind the route, a same-origin POST and
// the UI message stream parsed into chunks.
import { NextRequest } from "next/server";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { ADMIN_KEY } from "@/tests/emulator/fixtures.ts";
import type { EmulatorHandle } from "@/tests/emulator/server.ts";
import { withAppEmulator } from "@/tests/support/appEmulator.ts";
import { POST } from "./route.ts";

/** Starts the emulator for the file's tests and points the app at it. */
export function withEmulator(): () => EmulatorHandle {
  const emulator = withAppEmulator();
  return () => emulator;
}

export type StreamChunk = { type: string; [k: string]: unknown };

export function postChat(body: Record<string, unknown>, key = ADMIN_KEY): Promise<Response> {
  return POST(
    new NextRequest("http://localhost:3000/api/chat", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "http://localhost:3000",
        host: "localhost:3000",
        [API_KEY_HEADER]: key,
      },
      body: JSON.stringify(body),
    }),
  );
}

export const userTurn = (text: string, id = "u1") => ({ id, role: "user", parts: [{ type: "text", text }] });

export async function streamChunks(response: Response): Promise<StreamChunk[]> {
  return (await response.text())
    .split("\n\n")
    .map((event) => event.replace(/^data: /, "").trim())
    .filter((data) => data && data !== "[DONE]")
    .map((data) => JSON.parse(data));
}

export const joinedDeltas = (chunks: StreamChunk[], type: "text-delta" | "reasoning-delta") =>
  chunks
    .filter((c) => c.type === type)
    .map((c) => c.delta)
    .join("");
