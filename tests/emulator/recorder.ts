// Records every non-control request, including how it ended (finished, client gone, server dropped).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HostKind, RecordedRequest, RequestFilter } from "./types.ts";

type Entry = { record: RecordedRequest; res: ServerResponse; droppedByServer: boolean };

export type RecordHandle = { markDropped: () => void };

/** Lowercased header names with verbatim values (duplicates joined the way Node does). */
function verbatimHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? "").toLowerCase();
    const value = raw[i + 1] ?? "";
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

export class Recorder {
  private entries: Entry[] = [];
  private nextId = 1;

  start(req: IncomingMessage, res: ServerResponse, url: URL, host: HostKind, body: unknown): RecordHandle {
    const entry: Entry = {
      record: {
        id: this.nextId++,
        at: new Date().toISOString(),
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        host,
        headers: verbatimHeaders(req),
        body,
        status: 0,
        clientClosedEarly: false,
        completed: false,
      },
      res,
      droppedByServer: false,
    };
    this.entries.push(entry);
    res.once("finish", () => {
      entry.record.completed = true;
    });
    // "close" without a finished response: the client went away (or we dropped it on purpose).
    res.once("close", () => {
      if (!res.writableFinished && !entry.droppedByServer) entry.record.clientClosedEarly = true;
    });
    return {
      markDropped: () => {
        entry.droppedByServer = true;
      },
    };
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries
      .filter(({ record }) => filter.path === undefined || record.path === filter.path)
      .filter(({ record }) => filter.host === undefined || record.host === filter.host)
      .filter(({ record }) => filter.method === undefined || record.method === filter.method.toUpperCase())
      .map(({ record, res, droppedByServer }) => ({
        ...structuredClone(record),
        status: res.headersSent && !droppedByServer ? res.statusCode : 0,
      }));
  }

  get count(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}
