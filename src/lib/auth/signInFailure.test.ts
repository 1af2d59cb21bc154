import { describe, expect, it } from "vitest";
import { describeAuthError } from "@/src/components/setup/authErrorText.ts";
import {
  classifyCallbackError,
  explainSignInFailure,
  SIGN_IN_FAILURES,
  USERINFO_FAILED,
} from "./signInFailure.ts";

describe("classifyCallbackError: next-auth's callback errors by cause", () => {
  // The messages next-auth v4 and openid-client produce for each failure.
  const cases: [string, string | null][] = [
    ["state mismatch, expected abc, got: def", "oauth_state"],
    ["State cookie was missing.", "oauth_state"],
    ["state missing from the response", "oauth_state"],
    ["PKCE code_verifier cookie was missing.", "oauth_pkce"],
    ["invalid_grant", "oauth_code_rejected"],
    ["invalid_grant (code expired)", "oauth_code_rejected"],
    ["invalid_client", "oauth_client_rejected"],
    [`${USERINFO_FAILED}: expected 200 OK, got: 401 Unauthorized`, "oauth_userinfo"],
    ["iss mismatch, expected https://api.chutes.ai, got: https://evil.example", "oauth_issuer"],
    ["connect ECONNREFUSED 127.0.0.1:1", "oauth_unreachable"],
    ["socket hang up", "oauth_unreachable"],
    ["outgoing request timed out after 3500ms", "oauth_unreachable"],
    ["expected 200 OK, got: 500 Internal Server Error", null],
  ];
  for (const [message, expected] of cases) {
    it(`"${message}" -> ${expected}`, () => expect(classifyCallbackError(message)).toBe(expected));
  }

  it("has a specific message for every named cause", () => {
    const fallback = describeAuthError("something_unknown");
    for (const failure of SIGN_IN_FAILURES) expect(describeAuthError(failure)).not.toBe(fallback);
    for (const code of ["OAuthSignin", "OAuthCallback", "OAuthAccountNotLinked", "Callback", "Configuration"])
      expect(describeAuthError(code)).not.toBe(fallback);
  });
});

describe("explainSignInFailure", () => {
  const redirect = (location: string) =>
    new Response(null, {
      status: 302,
      headers: [
        ["location", location],
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
      ],
    });

  it("sends next-auth's generic callback error to the setup screen with the cause, keeping cookies", () => {
    const response = explainSignInFailure(
      redirect("http://127.0.0.1:3000/api/auth/error?error=OAuthCallback"),
      "oauth_state",
    );
    expect(response.headers.get("location")).toBe("http://127.0.0.1:3000/?authError=oauth_state");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  it("leaves other redirects and unnamed causes alone", () => {
    const ok = redirect("http://127.0.0.1:3000/");
    expect(explainSignInFailure(ok, "oauth_state")).toBe(ok);
    const unnamed = redirect("http://127.0.0.1:3000/api/auth/error?error=OAuthCallback");
    expect(explainSignInFailure(unnamed, null)).toBe(unnamed);
  });
});
