// @vitest-environment node
import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { errorTable, toErrorView } from "../errors.ts";
import { classifyStatus, classifyUpstreamError, StreamIncompleteError } from "./classify.ts";

const detail = (d: unknown) => JSON.stringify({ detail: d });

describe("classifyStatus (protocol §4 bodies)", () => {
  it("shows Chutes' own 402 text from the object-shaped detail", () => {
    const body = detail({
      message: "Quota exceeded and account balance is $0.0, please pay with fiat or send tao to 5Fxyz",
      quota_reset_timestamp: "2026-11-23T00:00:00Z",
    });
    expect(classifyStatus(402, body, { kind: "api-key" })).toEqual({
      code: "payment_required",
      message: "Quota exceeded and account balance is $0.0, please pay with fiat or send tao to 5Fxyz",
      resetsAt: "2026-11-23T00:00:00Z",
    });
  });

  it("keeps a string 402 detail too", () => {
    const error = classifyStatus(
      402,
      detail("TEE models require an active subscription or positive balance."),
      { kind: "oauth" },
    );
    expect(error.message).toBe("TEE models require an active subscription or positive balance.");
  });

  it("maps 401 to a rejected key for keys and an ended session for OAuth", () => {
    expect(classifyStatus(401, detail("Invalid token or user not found"), { kind: "api-key" }).code).toBe(
      "key_rejected",
    );
    expect(classifyStatus(401, detail("Authentication required."), { kind: "oauth" }).code).toBe(
      "session_expired",
    );
  });

  it("maps capacity, cold models, unknown models and engine errors by status", () => {
    expect(
      classifyStatus(429, detail("Infrastructure is at maximum capacity, try again later"), {
        kind: "api-key",
      }),
    ).toEqual({
      code: "rate_limited",
      message: errorTable.rate_limited.message,
    });
    expect(
      classifyStatus(429, "<html><body>429 Too Many Requests</body></html>", { kind: "api-key" }).code,
    ).toBe("rate_limited");
    expect(
      classifyStatus(503, detail("No instances available (yet) for chute_id='0b1c'"), { kind: "api-key" })
        .code,
    ).toBe("model_unavailable");
    expect(classifyStatus(404, detail("model not found: foo/bar"), { kind: "api-key" }).message).toContain(
      "foo/bar",
    );
    expect(
      classifyStatus(400, detail("Invalid request: Invalid request: context too long"), { kind: "api-key" }),
    ).toEqual({
      code: "bad_request",
      message: "context too long",
    });
    expect(
      classifyStatus(500, detail("exhausted all available targets to no avail"), { kind: "api-key" }).code,
    ).toBe("upstream_error");
  });

  it("says when a free-model limit, not capacity, caused the 429", () => {
    const text =
      "Free models limit reached for today - maintain >= $10 balance or upgrade subscription to pro to unlock more.";
    expect(classifyStatus(429, detail(text), { kind: "api-key" }).message).toBe(text);
  });
});

describe("classifyUpstreamError", () => {
  it("classifies AI SDK call errors by their status code", () => {
    const error = new APICallError({
      message: "Payment Required",
      url: "https://llm.chutes.ai/v1/chat/completions",
      requestBodyValues: {},
      statusCode: 402,
      responseBody: detail({ message: "Quota exceeded and account balance is $0.0" }),
    });
    expect(classifyUpstreamError(error, { kind: "api-key" })).toEqual({
      code: "payment_required",
      message: "Quota exceeded and account balance is $0.0",
    });
  });

  it("names a stream that ended without [DONE]", () => {
    expect(classifyUpstreamError(new StreamIncompleteError("x"), { kind: "api-key" }).code).toBe(
      "stream_incomplete",
    );
  });

  it("treats refused connections as Chutes being unreachable", () => {
    const error = new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    expect(classifyUpstreamError(error, { kind: "api-key" }).code).toBe("chutes_unreachable");
  });
});

describe("toErrorView (client side of the same table)", () => {
  it("names OpenRouter in titles when the error came from it", () => {
    const text = JSON.stringify({ error: { code: "key_rejected", message: "x", provider: "openrouter" } });
    expect(toErrorView(new Error(text))).toMatchObject({
      title: "OpenRouter rejected your API key",
      provider: "openrouter",
    });
  });

  it("turns a stream error text back into a typed view with an action", () => {
    const text = JSON.stringify({ error: { code: "payment_required", message: "balance is $0.0" } });
    expect(toErrorView(new Error(text))).toEqual({
      code: "payment_required",
      title: errorTable.payment_required.title,
      message: "balance is $0.0",
      action: "top-up",
      provider: "chutes",
    });
  });

  it("never shows raw JSON for an unknown error", () => {
    const view = toErrorView(new Error('{"weird":true}'));
    expect(view.code).toBe("internal");
    expect(view.message).not.toContain("{");
  });

  it("redacts anything shaped like a credential from upstream text", () => {
    const key = `cpk_${"a".repeat(32)}.${"b".repeat(32)}.${"C".repeat(32)}`;
    const error = classifyStatus(402, detail(`key ${key} has no balance`), { kind: "api-key" });
    expect(error.message).not.toContain(key);
    expect(error.message).toContain("[redacted]");
  });
});
