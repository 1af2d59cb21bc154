// Paced writing of a streamed response. The status line is held until the first frame (as Chutes
// does, §4.5), and every timer stops as soon as the client goes away (Chutes stops billing then).
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

export const SSE_HEADERS: OutgoingHttpHeaders = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
};

export const sseData = (payload: unknown): string =>
  `data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`;

export type PacedStream = {
  status: number;
  headers: OutgoingHttpHeaders;
  /** Already framed pieces of the body, written one per tick. */
  frames: string[];
  firstDelayMs: number;
  intervalMs: number;
};

/** Resolves "finished" when the body was fully written, "aborted" when the connection closed first. */
export function writePaced(res: ServerResponse, stream: PacedStream): Promise<"finished" | "aborted"> {
  return new Promise((resolve) => {
    let index = 0;
    let timer: NodeJS.Timeout | undefined;
    const onClose = () => {
      clearTimeout(timer);
      resolve(res.writableFinished ? "finished" : "aborted");
    };
    res.once("close", onClose);
    const tick = () => {
      if (res.destroyed) return;
      if (index === 0) res.writeHead(stream.status, stream.headers);
      const frame = stream.frames[index++];
      if (frame !== undefined) res.write(frame);
      if (index >= stream.frames.length) {
        res.end();
        return;
      }
      timer = setTimeout(tick, stream.intervalMs);
    };
    timer = setTimeout(tick, Math.max(0, stream.firstDelayMs));
  });
}
