// Sends one fuzz case over a fresh node:http connection and reads (at most 64 KiB of) the answer.

import { request as httpRequest } from "node:http";
import type { FuzzCase } from "./cases.ts";

export interface Outcome {
  status: number | "reset" | "timeout";
  contentType: string;
  body: string;
}

const BODY_LIMIT = 64 * 1024;
const TIMEOUT_MS = 20_000;

export function send(base: URL, c: FuzzCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...c.headers };
    const body = c.body === undefined ? undefined : Buffer.from(c.body);
    if (body && !c.chunked) headers["content-length"] = String(body.length);
    // node:http frames a body as chunked by default only for some methods; say so for all of them.
    if (body && c.chunked) headers["transfer-encoding"] = "chunked";
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let req: ReturnType<typeof httpRequest>;
    try {
      req = httpRequest({
        host: base.hostname,
        port: base.port,
        method: c.method,
        path: c.path,
        headers,
        // A fresh connection each: an early answer to one case must not be read as the next one's.
        agent: false,
        timeout: TIMEOUT_MS,
        insecureHTTPParser: true,
      });
    } catch (error) {
      // node:http refuses a header value it cannot send; that case tests nothing on the server.
      return done({ status: "reset", contentType: "", body: `client refused: ${(error as Error).message}` });
    }
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
        if (size >= BODY_LIMIT) res.destroy();
      });
      const finish = () =>
        done({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
    });
    req.on("timeout", () => {
      req.destroy();
      done({ status: "timeout", contentType: "", body: "" });
    });
    req.on("error", (error) => done({ status: "reset", contentType: "", body: error.message }));
    if (body && c.chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}
