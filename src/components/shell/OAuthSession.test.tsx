import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY_HEADER, API_KEY_STORAGE_KEY } from "@/src/lib/chutesAuth.ts";
import {
  ADMIN_ACCOUNT,
  errorBody,
  freshBrowserStorage,
  setupTestServer,
  storeKey,
} from "@/tests/support/components.ts";
import { ChatApp } from "./ChatApp.tsx";

// "Sign in with Chutes" as the browser sees it: next-auth's /api/auth/session says who is signed
// in (never a token), and the pasted key, when present, outranks that session.

const { server, requests } = setupTestServer();
beforeEach(freshBrowserStorage);
afterEach(() => {
  window.history.replaceState(null, "", "/");
});

const SIGNED_IN = {
  expires: "2099-01-01T00:00:00.000Z",
  chutes: { username: "alice", userId: "u-1" },
  chutesError: null,
};
const ENDED = { expires: "2099-01-01T00:00:00.000Z", chutes: null, chutesError: "session_ended" };

function serveSession(body: Record<string, unknown>) {
  let current = body;
  server.use(
    http.get("*/api/auth/session", () => HttpResponse.json(current)),
    http.get("*/api/auth/csrf", () => HttpResponse.json({ csrfToken: "csrf" })),
    http.post("*/api/auth/session", () => HttpResponse.json(current)),
    http.post("*/api/auth/signout", () => {
      current = {};
      return HttpResponse.json({ url: "/" });
    }),
  );
}

function renderApp(oauthEnabled = true) {
  return render(<ChatApp defaultModel="deepseek-ai/DeepSeek-V3.2-TEE" oauthEnabled={oauthEnabled} />);
}

describe("Sign in with Chutes", () => {
  it("without an OAuth app, offers no inactive sign-in button and opens the key form instead", async () => {
    renderApp(false);
    expect(await screen.findByText(/Sign in with Chutes is not set up on this server/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Sign in with Chutes" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Advanced options" })).toBeNull();
    expect(screen.getByLabelText("Chutes API key")).toBeTruthy();
    // Without OAuth nothing asks for a session.
    expect(requests.some((r) => r.url.includes("/api/auth/session"))).toBe(false);
  });

  it("shows a signed-in user the chat with a Signed In badge and their name", async () => {
    serveSession(SIGNED_IN);
    renderApp();
    expect(await screen.findByText("Signed In")).toBeTruthy();
    expect(screen.getByText("alice")).toBeTruthy();
    // The cookie carries the session: no key header is sent for models.
    await waitFor(() => expect(requests.some((r) => r.url.includes("/api/models"))).toBe(true));
    const models = requests.find((r) => r.url.includes("/api/models"));
    expect(models?.headers.get(API_KEY_HEADER)).toBeNull();
  });

  it("lets a pasted key win, and falls back to the session without a reload when it is removed", async () => {
    serveSession(SIGNED_IN);
    storeKey(ADMIN_ACCOUNT);
    const user = userEvent.setup();
    renderApp();
    expect(await screen.findByText("API Key")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Settings" }));
    expect(await screen.findByText(/Your API key is used while it is saved/)).toBeTruthy();
    // The dialog's text is there a moment before the dialog opens (Modal opens it in an effect), and
    // a closed dialog's button is not in the accessibility tree yet: wait for the button itself.
    await user.click(await screen.findByRole("button", { name: "Remove key" }));
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
    expect(await screen.findByText("Signed In")).toBeTruthy();
    expect(screen.queryByText("API Key")).toBeNull();
  });

  it("signs out through next-auth and returns to setup", async () => {
    serveSession(SIGNED_IN);
    const user = userEvent.setup();
    renderApp();
    await screen.findByText("Signed In");
    await user.click(screen.getByRole("button", { name: "Settings" }));
    await user.click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Connect to Chutes" })).toBeTruthy();
    expect(requests.some((r) => r.method === "POST" && r.url.includes("/api/auth/signout"))).toBe(true);
  });

  it("says the session ended when the server could not refresh it", async () => {
    serveSession(ENDED);
    renderApp();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Your Chutes session ended");
    expect(screen.getByRole("button", { name: "Sign in with Chutes" })).toBeTruthy();
  });

  it("turns a chat refused for an ended session into the sign-in-again state", async () => {
    serveSession(SIGNED_IN);
    server.use(
      http.post("*/api/chat", () => {
        serveSession(ENDED);
        return HttpResponse.json(errorBody("session_expired", "Sign in with Chutes again to continue."), {
          status: 401,
        });
      }),
    );
    const user = userEvent.setup();
    renderApp();
    await screen.findByText("Signed In");
    await user.click(screen.getByLabelText("Message"));
    await user.keyboard("Hello{Enter}");
    expect(await screen.findByText(/Your Chutes session ended/)).toBeTruthy();
  });

  it("explains a consent the user denied on Chutes", async () => {
    serveSession({});
    window.history.replaceState(null, "", "/?authError=access_denied");
    renderApp();
    expect((await screen.findByRole("alert")).textContent).toContain("You declined access on Chutes");
    expect(window.location.search).toBe("");
  });
});
