import { describe, expect, it } from "vitest";
import { appError, decodeAppError, encodeAppError, toErrorView } from "./errors.ts";

describe("the error table's wire form", () => {
  it("decodes what the server and the stream encode, and refuses anything else", () => {
    const quota = {
      code: "payment_required",
      message: "Daily quota used.",
      resetsAt: "2026-12-04T00:00:00Z",
    } as const;
    expect(decodeAppError(encodeAppError(quota))).toEqual(quota);
    expect(decodeAppError(encodeAppError(appError("rate_limited", undefined, "openrouter")))).toMatchObject({
      code: "rate_limited",
      provider: "openrouter",
    });
    for (const text of [
      "",
      "not json",
      "null",
      '{"error":"boom"}',
      '{"error":{"code":"no_such_code","message":"x"}}',
      '{"error":{"code":"internal"}}',
      '{"error":{"code":"internal","message":"x","provider":"acme"}}',
      `{"error":{"code":"internal","message":"x","resetsAt":"${"9".repeat(41)}"}}`,
    ])
      expect(decodeAppError(text), text).toBeUndefined();
  });

  it("shows an error the chat stream threw in the table's words, and anything unknown as unexpected", () => {
    const thrown = new Error(encodeAppError(appError("payment_required")));
    expect(toErrorView(thrown)).toMatchObject({ code: "payment_required", action: "top-up" });
    expect(toErrorView({ code: "key_rejected", message: "Chutes rejected your API key." })).toMatchObject({
      code: "key_rejected",
    });
    expect(toErrorView({ code: "key_rejected" })).toMatchObject({
      code: "internal",
      title: "Unexpected error",
    });
  });
});
