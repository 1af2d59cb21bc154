// @vitest-environment node
import { streamText } from "ai";
import { describe, expect, it } from "vitest";
import type { Credential } from "../credentials/precedence.ts";
import { chatModelFor } from "./provider.ts";

// The chat model is shared between requests (provider.ts): each call must still go out with its own
// credential, through its own request's fetch, even when calls for the same model overlap.

const SETTINGS = { CHUTES_LLM_URL: "https://llm.test/v1", OPENROUTER_API_URL: "https://or.test/api/v1" };
const credential = (token: string, provider: "chutes" | "openrouter" = "chutes") =>
  ({ provider, kind: "key", token }) as unknown as Credential;

interface Sent {
  url: string;
  authorization: string | null;
  model: string;
}

/** A fetch that answers `text` as one streamed chunk after `delayMs`, and records what it was sent. */
function upstream(text: string, delayMs: number) {
  const sent: Sent[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    sent.push({
      url: String(input),
      authorization: headers.get("authorization"),
      model: JSON.parse(String(init?.body)).model,
    });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const chunk = { id: "c", created: 1, model: "m", choices: [{ index: 0, delta: { content: text } }] };
    return new Response(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`, {
      headers: { "content-type": "text/event-stream" },
    });
  };
  return { sent, fetchImpl };
}

const answer = (model: ReturnType<typeof chatModelFor>) => streamText({ model, prompt: "q" }).text;

describe("chatModelFor", () => {
  it("sends each of two overlapping calls for one model with its own key, through its own fetch", async () => {
    const alice = upstream("for alice", 30);
    const bob = upstream("for bob", 0);
    const model = "deepseek-ai/DeepSeek-V3.2-TEE";
    const [aliceText, bobText] = await Promise.all([
      answer(chatModelFor(credential("cpk_alice"), model, SETTINGS, alice.fetchImpl)),
      answer(chatModelFor(credential("cpk_bob"), model, SETTINGS, bob.fetchImpl)),
    ]);
    expect([aliceText, bobText]).toEqual(["for alice", "for bob"]);
    expect(alice.sent).toEqual([
      { url: "https://llm.test/v1/chat/completions", authorization: "Bearer cpk_alice", model },
    ]);
    expect(bob.sent).toEqual([
      { url: "https://llm.test/v1/chat/completions", authorization: "Bearer cpk_bob", model },
    ]);
  });

  it("sends an OpenRouter key to OpenRouter only, with the model asked for", async () => {
    const chutes = upstream("from chutes", 0);
    const openrouter = upstream("from openrouter", 0);
    await answer(chatModelFor(credential("cpk_one"), "m", SETTINGS, chutes.fetchImpl));
    const text = await answer(
      chatModelFor(credential("sk-or-v1-two", "openrouter"), "other/model", SETTINGS, openrouter.fetchImpl),
    );
    expect(text).toBe("from openrouter");
    expect(openrouter.sent).toEqual([
      {
        url: "https://or.test/api/v1/chat/completions",
        authorization: "Bearer sk-or-v1-two",
        model: "other/model",
      },
    ]);
    expect(chutes.sent.map((s) => s.authorization)).toEqual(["Bearer cpk_one"]);
  });
});
