// @vitest-environment node
import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it } from "vitest";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { forgetWarmUpToken, WARM_UP_HEADER, warmUpToken } from "@/src/lib/server/warmUpAnswer.ts";
import { ADMIN_KEY } from "@/tests/emulator/fixtures.ts";
import { withAppEmulator } from "@/tests/support/appEmulator.ts";
import { POST as searchRoute } from "../rag/search/route.ts";
import { POST } from "./route.ts";

// The server's own warm-up question goes through the whole chat route and is answered in process:
// no call to Chutes. Only this process's token makes a request the warm-up's.

// docs/ ingested: the question is embedded and searched like a user's.
const emulator = withAppEmulator({ tokenDelayMs: 1, ingestDocs: true });

const question = (headers: Record<string, string>) =>
  new NextRequest("http://127.0.0.1:3000/api/chat", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      model: "deepseek-ai/DeepSeek-V3.2-TEE",
      messages: [{ id: "warm-up", role: "user", parts: [{ type: "text", text: "How do I warm up?" }] }],
    }),
  });

type Chunk = { type: string; delta?: string; messageMetadata?: { retrieval?: { mode: string } } };

const chunksOf = async (response: Response): Promise<Chunk[]> =>
  (await response.text())
    .split("\n\n")
    .map((event) => event.replace(/^data: /, "").trim())
    .filter((data) => data && data !== "[DONE]")
    .map((data) => JSON.parse(data) as Chunk);

const answerText = async (response: Response) =>
  (await chunksOf(response))
    .filter((chunk) => chunk.type === "text-delta")
    .map((chunk) => chunk.delta)
    .join("");

describe("the warm-up's question to the chat route", () => {
  beforeEach(() => {
    delete (globalThis as { __chutesChatWarmUpToken?: string }).__chutesChatWarmUpToken;
  });

  it("is embedded, searched and answered in full without any request to Chutes", async () => {
    const calls = emulator.requests().length; // the ingest's own embedding calls
    const response = await POST(question({ [WARM_UP_HEADER]: warmUpToken() }));
    expect(response.status).toBe(200);
    const chunks = await chunksOf(response);
    const text = chunks.filter((c) => c.type === "text-delta").map((c) => c.delta);
    expect(text.join("")).toBe("Ready.");
    // The stand-in's embedding was read: the vector search ran beside the text search.
    expect(chunks.find((c) => c.type === "start")?.messageMetadata?.retrieval?.mode).toBe("hybrid");
    expect(emulator.requests()).toHaveLength(calls);
  });

  it("is an ordinary request with any other token, or before the warm-up made its own", async () => {
    // No token exists yet in this process: the header means nothing.
    const early = await POST(question({ [WARM_UP_HEADER]: "guessed" }));
    expect(early.status).toBe(401);
    expect(await early.json()).toMatchObject({ error: { code: "no_credential" } });

    const token = warmUpToken();
    const wrong = await POST(question({ [WARM_UP_HEADER]: `${token.slice(0, -1)}x` }));
    expect(wrong.status).toBe(401);

    // Once the warm-up had its answer, its own token is an ordinary request's too.
    forgetWarmUpToken();
    const after = await POST(question({ [WARM_UP_HEADER]: token }));
    expect(after.status).toBe(401);

    // Only the chat route answers it: the knowledge search does not.
    const search = await searchRoute(
      new NextRequest("http://127.0.0.1:3000/api/rag/search", {
        method: "POST",
        headers: { "content-type": "application/json", [WARM_UP_HEADER]: warmUpToken() },
        body: JSON.stringify({ query: "ingest" }),
      }),
    );
    expect(search.status).toBe(401);

    // With a key and a wrong token, the user's question goes to Chutes as usual.
    const keyed = await POST(question({ [WARM_UP_HEADER]: "guessed", [API_KEY_HEADER]: ADMIN_KEY }));
    expect(keyed.status).toBe(200);
    expect(await answerText(keyed)).toContain("How do I warm up?");
    expect(emulator.requests({ path: "/llm/v1/chat/completions" })).toHaveLength(1);
    expect(emulator.requests({ path: "/llm/v1/chat/completions" })[0]?.headers.authorization).toBe(
      `Bearer ${ADMIN_KEY}`,
    );
  });
});
