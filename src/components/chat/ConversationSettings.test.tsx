import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { ask, renderChat, serveChat, storedConversations } from "@/tests/support/chatApp.tsx";
import { answerWithMetadata, freshBrowserStorage, setupTestServer } from "@/tests/support/components.ts";

// The conversation's settings and the cost estimate, in the whole chat app (MSW stands in for
// the server; the route's own validation is tested against the emulator).

const { server } = setupTestServer();
beforeEach(freshBrowserStorage);

const sentSettings = (seen: ReturnType<typeof serveChat>, i = 0) =>
  (seen[i]?.body as unknown as { settings?: Record<string, unknown> } | undefined)?.settings;

describe("chat settings", () => {
  it("marks an out-of-range value next to its field and holds Send until it is fixed", async () => {
    const seen = serveChat(server, () => answerWithMetadata("Arr.", {}));
    const { user, input } = await renderChat();
    await user.click(screen.getByRole("button", { name: /Chat settings/ }));
    const temperature = screen.getByLabelText(/^Temperature/);
    await user.type(temperature, "3");
    expect(screen.getByText("Temperature: between 0 and 2")).toBeTruthy();
    expect(temperature.getAttribute("aria-invalid")).toBe("true");
    await user.type(input, "Hello");
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);

    await user.clear(temperature);
    await user.type(temperature, "0.3");
    await user.type(screen.getByLabelText("System prompt"), "Talk like a pirate.");
    expect(screen.queryByText(/Temperature: between/)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(seen).toHaveLength(1), { timeout: 5000 });
    expect(sentSettings(seen)).toEqual({ temperature: 0.3, systemPrompt: "Talk like a pirate." });
    // The settings are kept with the conversation.
    await waitFor(
      async () =>
        expect((await storedConversations())[0]?.settings).toEqual({
          temperature: 0.3,
          systemPrompt: "Talk like a pirate.",
        }),
      { timeout: 5000 },
    );
  });

  it("offers only what the model takes and never sends the rest", async () => {
    const seen = serveChat(server, () => answerWithMetadata("Ok.", {}));
    const { user } = await renderChat();
    await user.click(screen.getByRole("button", { name: /Chat settings/ }));
    // The default model lists temperature, top_p and max_tokens, and no reasoning_effort.
    expect(screen.queryByLabelText("Reasoning effort")).toBeNull();
    await user.type(screen.getByLabelText(/^Max output tokens/), "70000");
    expect(screen.getByText("Max output tokens: at most 65,536 for this model")).toBeTruthy();
    await user.clear(screen.getByLabelText(/^Max output tokens/));
    await user.type(screen.getByLabelText(/^Max output tokens/), "500");
    await ask(user, "Hi");
    await waitFor(() => expect(seen).toHaveLength(1));
    expect(sentSettings(seen)).toEqual({ maxOutputTokens: 500 });
  });

  it("saves a preset and loads it into another conversation's settings", async () => {
    const { user } = await renderChat();
    await user.click(screen.getByRole("button", { name: /Chat settings/ }));
    await user.type(screen.getByLabelText(/^Top-p/), "0.9");
    await user.type(screen.getByLabelText("Preset name"), "Focused");
    await user.click(screen.getByRole("button", { name: "Save as preset" }));
    await user.clear(screen.getByLabelText(/^Top-p/));
    await user.selectOptions(screen.getByLabelText("Preset"), "Focused");
    expect((screen.getByLabelText(/^Top-p/) as HTMLInputElement).value).toBe("0.9");
  });
});

describe("cost before sending", () => {
  it("estimates the turn under the composer, then shows the real usage and the balance", async () => {
    const seen = serveChat(server, () =>
      answerWithMetadata("The answer.", {
        finish: {
          usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150, cachedInputTokens: 40 },
          balance: 12.49996,
        },
      }),
    );
    const { user, input } = await renderChat();
    await user.type(input, "How long is the Nile?");
    const estimate = screen.getByTestId("turn-estimate");
    expect(estimate.textContent).toMatch(/≈ \d+ tokens in · \$/);
    expect(estimate.textContent).toMatch(/\/ 163,840 context/);
    await user.click(screen.getByRole("button", { name: "Send" }));
    const real = await screen.findByTestId("last-turn-usage");
    // (80 × 0.25 + 40 × 0.125 + 30 × 0.38) / 1M = $0.0000364
    expect(real.textContent).toMatch(
      /^Last turn: 120 tokens in \(40 cached\), 30 tokens out · \$0\.000036 · estimated \d+ in · balance \$12\.5000$/,
    );
    // Regenerate shows its own estimate: the same question, without the answer it replaces.
    expect(screen.getByTestId("regenerate-estimate").textContent).toMatch(/^≈ \d+ tokens in · \$/);
    // An admin key may read the balance, so the browser asks for it.
    expect((seen[0]?.body as unknown as { readBalance?: boolean } | undefined)?.readBalance).toBe(true);
  });
});
