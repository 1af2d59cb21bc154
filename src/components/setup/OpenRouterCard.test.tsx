import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse, http } from "msw";
import { SessionProvider } from "next-auth/react";
import { describe, expect, it } from "vitest";
import { useConnection } from "@/src/hooks/useConnection.ts";
import { PROVIDER_HEADER } from "@/src/lib/credentials/providers.ts";
import { OPENROUTER_KEY_HEADER, OPENROUTER_KEY_STORAGE_KEY } from "@/src/lib/openrouterAuth.ts";
import { ADMIN_ACCOUNT, errorBody, setupTestServer, storeKey } from "@/tests/support/components.ts";
import { AuthBadge } from "../shell/AuthBadge.tsx";
import { ProviderSetup } from "./ProviderSetup.tsx";

const OR_KEY = `sk-or-v1-${"ab12".repeat(16)}`;
const { server, requests } = setupTestServer();

function Probe() {
  const session = useConnection();
  return (
    <>
      <AuthBadge status={session.status} user={session.user} />
      <pre data-probe="headers">{JSON.stringify(session.requestHeaders())}</pre>
      <ProviderSetup session={session} />
    </>
  );
}

function renderSetup() {
  const user = userEvent.setup();
  render(
    <SessionProvider session={null}>
      <Probe />
    </SessionProvider>,
  );
  return user;
}

async function submit(user: ReturnType<typeof userEvent.setup>, key: string) {
  await user.click(screen.getByRole("button", { name: "OpenRouter key" }));
  await user.click(screen.getByLabelText("OpenRouter API key"));
  await user.paste(key);
  const card = screen.getByRole("region", { name: "OpenRouter" });
  await user.click(card.querySelector("button[type=submit]") as HTMLButtonElement);
}

describe("OpenRouter card", () => {
  it("refuses a malformed key without asking the server", async () => {
    const user = renderSetup();
    await submit(user, "sk-or-v1-short");
    expect((await screen.findByRole("alert")).textContent).toContain("That is not an OpenRouter API key");
    expect(requests.filter((r) => r.url.includes("openrouter"))).toHaveLength(0);
  });

  it("saves a validated key, switches the session to OpenRouter and sends the key in its header", async () => {
    server.use(
      http.post("*/api/auth/openrouter/validate-key", () =>
        HttpResponse.json({ valid: true, account: { label: "sk-or-v1-ab1...b12", creditRemaining: 7.5 } }),
      ),
    );
    const user = renderSetup();
    await submit(user, OR_KEY);
    expect((await screen.findByRole("status")).textContent).toContain(
      "Connected to OpenRouter, credit $7.50",
    );
    await waitFor(() => expect(screen.getByText("OpenRouter", { selector: "span" })).toBeTruthy());
    expect(JSON.parse(document.querySelector("[data-probe=headers]")?.textContent ?? "{}")).toEqual({
      [PROVIDER_HEADER]: "openrouter",
      [OPENROUTER_KEY_HEADER]: OR_KEY,
    });
    expect(screen.getByText(`sk-or-…${OR_KEY.slice(-4)}`)).toBeTruthy();
  });

  it("explains a key without credit in OpenRouter's terms and stores nothing", async () => {
    server.use(
      http.post("*/api/auth/openrouter/validate-key", () =>
        HttpResponse.json(
          {
            error: {
              ...errorBody("payment_required", "This OpenRouter key has no credit left.").error,
              provider: "openrouter",
            },
          },
          { status: 402 },
        ),
      ),
    );
    const user = renderSetup();
    await submit(user, OR_KEY);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Out of OpenRouter balance");
    expect(alert.textContent).toContain("no credit left");
    expect(localStorage.getItem(OPENROUTER_KEY_STORAGE_KEY)).toBeNull();
  });

  it("lets the user switch between providers when both are connected, and remove the OpenRouter key", async () => {
    storeKey(ADMIN_ACCOUNT);
    localStorage.setItem(
      OPENROUTER_KEY_STORAGE_KEY,
      JSON.stringify({ key: OR_KEY, account: { label: null, creditRemaining: 1 }, savedAt: "t" }),
    );
    localStorage.setItem("chutes-chat:provider", "openrouter");
    const user = renderSetup();
    expect(screen.getByText("OpenRouter", { selector: "span" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Use Chutes" }));
    expect(await screen.findByText("API Key")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Use OpenRouter" }));
    expect(await screen.findByText("OpenRouter", { selector: "span" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Remove OpenRouter key" }));
    expect(await screen.findByText("API Key")).toBeTruthy();
    expect(localStorage.getItem(OPENROUTER_KEY_STORAGE_KEY)).toBeNull();
  });
});
