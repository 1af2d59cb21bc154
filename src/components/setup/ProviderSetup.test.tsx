import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse, http } from "msw";
import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { useConnection } from "@/src/hooks/useConnection.ts";
import { API_KEY_STORAGE_KEY } from "@/src/lib/chutesAuth.ts";
import { tooManyRequests } from "@/src/lib/http/rateLimitResponse.ts";
import {
  ADMIN_ACCOUNT,
  deferred,
  errorBody,
  SCOPED_ACCOUNT,
  setupTestServer,
  storeKey,
  VALID_KEY,
} from "@/tests/support/components.ts";
import { ProviderSetup } from "./ProviderSetup.tsx";

const { server, requests } = setupTestServer();

// The real session hook, as the app wires it (no OAuth session unless a test gives one).
function Setup({ signIn, auth = null }: { signIn?: ReactNode; auth?: Session | null }) {
  return (
    <SessionProvider session={auth}>
      <SessionSetup signIn={signIn} />
    </SessionProvider>
  );
}

function SessionSetup({ signIn }: { signIn?: ReactNode }) {
  const session = useConnection();
  return <ProviderSetup session={session} signIn={signIn} />;
}

const validateRoute = "*/api/auth/chutes/validate-key";
/** Stands for SignInWithChutes: a server with an OAuth app. */
const SIGN_IN = <button type="button">Sign in with Chutes</button>;

async function openAdvanced() {
  const user = userEvent.setup();
  render(<Setup signIn={SIGN_IN} />);
  await user.click(screen.getByRole("button", { name: "Advanced options" }));
  const input = screen.getByLabelText("Chutes API key") as HTMLInputElement;
  return { user, input };
}

function validateButton() {
  return screen.getByRole("button", { name: /Validate and save|Checking…/ }) as HTMLButtonElement;
}

describe("ProviderSetup", () => {
  it("with Sign in with Chutes, keeps the key form behind a collapsed Advanced options toggle", async () => {
    const user = userEvent.setup();
    render(<Setup signIn={SIGN_IN} />);
    const toggle = screen.getByRole("button", { name: "Advanced options" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByLabelText("Chutes API key")).toBeNull();
    expect(screen.getByRole("heading", { name: "Chutes" })).toBeTruthy();

    await user.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(screen.getByLabelText("Chutes API key")).toBeTruthy();
    expect(document.body.textContent).toContain("never stored there");

    await user.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByLabelText("Chutes API key")).toBeNull();
  });

  it("renders the sign-in slot first when one is given", () => {
    render(<Setup signIn={SIGN_IN} />);
    const buttons = screen.getAllByRole("button");
    expect(buttons[0]?.textContent).toBe("Sign in with Chutes");
  });

  it("without Sign in with Chutes, opens the key form as the way in and says why", async () => {
    const user = userEvent.setup();
    render(<Setup />);
    expect(screen.queryByRole("button", { name: "Advanced options" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Sign in with Chutes" })).toBeNull();
    expect(document.body.textContent).toContain("Sign in with Chutes is not set up on this server");
    // The Chutes card's first button is the key form's own, and it is the primary one.
    const card = screen.getByRole("region", { name: "Chutes" });
    const input = within(card).getByLabelText("Chutes API key");
    const save = within(card).getByRole("button", { name: "Validate and save" });
    expect(save.className).toContain("btn-primary");
    await user.type(input, "not-a-key");
    await user.click(save);
    expect(screen.getByRole("alert").textContent).toContain("That is not a Chutes API key");
  });

  it("hides the key by default and shows it on request", async () => {
    const { user, input } = await openAdvanced();
    expect(input.getAttribute("type")).toBe("password");
    await user.click(screen.getByRole("button", { name: "Show key" }));
    expect(input.getAttribute("type")).toBe("text");
    await user.click(screen.getByRole("button", { name: "Hide key" }));
    expect(input.getAttribute("type")).toBe("password");
  });

  it("reports an empty key without calling the server", async () => {
    const { user } = await openAdvanced();
    await user.click(validateButton());
    expect(screen.getByRole("alert").textContent).toContain("Paste your Chutes API key first.");
    expect(requests).toHaveLength(0);
  });

  it("reports a malformed key without calling the server and keeps the text", async () => {
    const { user, input } = await openAdvanced();
    await user.type(input, "sk-not-a-chutes-key");
    await user.click(validateButton());
    expect(screen.getByRole("alert").textContent).toContain("Chutes API keys start with cpk_.");
    expect(input.value).toBe("sk-not-a-chutes-key");

    await user.clear(input);
    await user.type(input, "cpk_short");
    await user.click(validateButton());
    expect(screen.getByRole("alert").textContent).toContain("three dot-separated parts");
    expect(requests).toHaveLength(0);
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
  });

  it("shows a busy Checking… button while the key is validated", async () => {
    const release = deferred();
    server.use(
      http.post(validateRoute, async () => {
        await release.promise;
        return HttpResponse.json({ valid: true, account: ADMIN_ACCOUNT });
      }),
    );
    const { user, input } = await openAdvanced();
    await user.click(input);
    await user.paste(VALID_KEY);
    await user.click(validateButton());

    const busy = await screen.findByRole("button", { name: "Checking…" });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    expect(busy.getAttribute("aria-busy")).toBe("true");

    release.resolve();
    await screen.findByText("Connected as alice, balance $12.50");
    expect(validateButton().textContent).toBe("Validate and save");
  });

  it("saves an admin key, shows the account and sends the key only in the validation body", async () => {
    let sentBody: unknown;
    server.use(
      http.post(validateRoute, async ({ request }) => {
        sentBody = await request.json();
        return HttpResponse.json({ valid: true, account: ADMIN_ACCOUNT });
      }),
    );
    const { user, input } = await openAdvanced();
    await user.click(input);
    await user.paste(`  ${VALID_KEY}  `);
    await user.click(validateButton());

    const status = await screen.findByRole("status");
    expect(status.textContent).toContain("Connected as alice, balance $12.50");
    expect(sentBody).toEqual({ apiKey: VALID_KEY });
    const stored = JSON.parse(localStorage.getItem(API_KEY_STORAGE_KEY) ?? "null");
    expect(stored.key).toBe(VALID_KEY);
    expect(stored.account).toEqual(ADMIN_ACCOUNT);
    // The saved key is shown masked, never in full.
    expect(screen.getByText(`cpk_…${VALID_KEY.slice(-4)}`)).toBeTruthy();
    expect(document.body.textContent).not.toContain(VALID_KEY);
  });

  it("explains that a scoped key cannot show account details", async () => {
    server.use(http.post(validateRoute, () => HttpResponse.json({ valid: true, account: SCOPED_ACCOUNT })));
    const { user, input } = await openAdvanced();
    await user.click(input);
    await user.paste(VALID_KEY);
    await user.click(validateButton());

    const status = await screen.findByRole("status");
    expect(status.textContent).toContain("Scoped key: account details unavailable");
    expect(status.textContent).toContain("Chutes does not let invoke-only (scoped) keys read the account");
    expect(JSON.parse(localStorage.getItem(API_KEY_STORAGE_KEY) ?? "null").account.scope).toBe("scoped");
  });

  it("shows Chutes' rejection, keeps the typed key and stores nothing", async () => {
    server.use(
      http.post(validateRoute, () =>
        HttpResponse.json(errorBody("key_rejected", "Chutes did not accept this API key."), { status: 401 }),
      ),
    );
    const { user, input } = await openAdvanced();
    await user.click(input);
    await user.paste(VALID_KEY);
    await user.click(validateButton());

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Chutes rejected your API key");
    expect(alert.textContent).toContain("Chutes did not accept this API key.");
    expect(alert.textContent).not.toContain("{");
    expect(input.value).toBe(VALID_KEY);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
    expect(screen.queryByRole("button", { name: "Remove key" })).toBeNull();
  });

  it("says when to try again after too many attempts, keeping the typed key", async () => {
    // The response our key-validation route gives once an address has spent its attempts.
    server.use(http.post(validateRoute, () => tooManyRequests(42)));
    const { user, input } = await openAdvanced();
    await user.click(input);
    await user.paste(VALID_KEY);
    await user.click(validateButton());

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Slow down");
    expect(alert.textContent).toContain("Try again in 42 s.");
    expect(input.value).toBe(VALID_KEY);
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
  });

  it("says when Chutes could not be reached", async () => {
    server.use(
      http.post(validateRoute, () =>
        HttpResponse.json(errorBody("chutes_unreachable", "Chutes did not answer in time."), { status: 504 }),
      ),
    );
    const { user, input } = await openAdvanced();
    await user.click(input);
    await user.paste(VALID_KEY);
    await user.click(validateButton());

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Could not reach Chutes");
    expect(input.value).toBe(VALID_KEY);
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
    expect(validateButton().disabled).toBe(false);
  });

  it("says when this app's server could not be reached at all", async () => {
    server.use(http.post(validateRoute, () => HttpResponse.error()));
    const { user, input } = await openAdvanced();
    await user.click(input);
    await user.paste(VALID_KEY);
    await user.click(validateButton());

    expect((await screen.findByRole("alert")).textContent).toContain("Connection lost");
    expect(input.value).toBe(VALID_KEY);
  });

  it("shows the active key masked and removes it", async () => {
    storeKey(ADMIN_ACCOUNT);
    const user = userEvent.setup();
    render(<Setup />);
    expect(screen.getByText(`cpk_…${VALID_KEY.slice(-4)}`)).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Remove key" }));
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
    await waitFor(() => expect(screen.queryByRole("button", { name: "Remove key" })).toBeNull());
    expect(screen.queryByText(`cpk_…${VALID_KEY.slice(-4)}`)).toBeNull();
  });
});
