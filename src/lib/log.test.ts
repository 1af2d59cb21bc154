// @vitest-environment node
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, logRequest } from "./log.ts";

// The secrets check for server logs: whatever is passed by mistake, a credential never reaches
// the output.
const FAKE_KEY = "cpk_deadbeef0123456789abcdef.0123456789abcdef0123456789abcdef.9876543210";

function capture() {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLogger(stream, "info"), output: () => text };
}

describe("server logs", () => {
  it("write one JSON line per request with its fields", () => {
    const { logger, output } = capture();
    logRequest(
      {
        requestId: "r1",
        route: "/api/chat",
        status: 200,
        durationMs: 812.4,
        upstreamStatus: 200,
        ttftMs: 95.6,
      },
      logger,
    );
    const line = JSON.parse(output().trim());
    expect(line).toMatchObject({
      msg: "request",
      requestId: "r1",
      route: "/api/chat",
      status: 200,
      durationMs: 812,
      upstreamStatus: 200,
      ttftMs: 96,
      level: 30,
    });
  });

  it("log failures at error level", () => {
    const { logger, output } = capture();
    logRequest({ requestId: "r2", route: "/api/models", status: 502, durationMs: 3 }, logger);
    expect(JSON.parse(output().trim()).level).toBe(50);
  });

  it("never print a key or token passed in headers or credential fields", () => {
    const { logger, output } = capture();
    logger.info(
      {
        headers: {
          authorization: `Bearer ${FAKE_KEY}`,
          cookie: `s=${FAKE_KEY}`,
          "x-chutes-api-key": FAKE_KEY,
        },
      },
      "in",
    );
    logger.warn({ credential: { token: FAKE_KEY }, apiKey: FAKE_KEY, refreshToken: FAKE_KEY }, "out");
    logger.error({ upstream: { authorization: FAKE_KEY, key: FAKE_KEY } }, "upstream");
    const text = output();
    expect(text.trim().split("\n")).toHaveLength(3);
    expect(text).not.toContain("deadbeef");
    expect(text).toContain("[redacted]");
  });
});
