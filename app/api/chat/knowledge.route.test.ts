// @vitest-environment node
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { PROVIDER_HEADER } from "@/src/lib/credentials/providers.ts";
import { OPENROUTER_KEY_HEADER } from "@/src/lib/openrouterAuth.ts";
import { CITATION_INSTRUCTIONS } from "@/src/lib/rag/context.ts";
import { countTokens } from "@/src/lib/rag/tokens.ts";
import { OPENROUTER_KEY, SCOPED_KEY } from "@/tests/emulator/fixtures.ts";
import { withAppEmulator } from "@/tests/support/appEmulator.ts";
import { POST as searchRoute } from "../rag/search/route.ts";
import { GET as statusRoute } from "../rag/status/route.ts";
import { POST } from "./route.ts";

// Answers from the sample docs/ corpus: ingested with the operator's key, queried with the user's,
// through the real route, store and emulator.

const emulator = withAppEmulator({ ingestDocs: true });

type Part = { type: string; [k: string]: unknown };
type Source = { id: number; title: string; source: string; cited: boolean };

async function ask(
  question: string,
  headers: Record<string, string>,
  model = "deepseek-ai/DeepSeek-V3.2-TEE",
) {
  const response = await POST(
    new NextRequest("http://localhost:3000/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({
        model,
        messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: question }] }],
      }),
    }),
  );
  const text = await response.text();
  const parts: Part[] = text
    .split("\n\n")
    .map((e) => e.replace(/^data: /, "").trim())
    .filter((d) => d && d !== "[DONE]")
    .map((d) => JSON.parse(d));
  const answer = parts
    .filter((p) => p.type === "text-delta")
    .map((p) => p.delta)
    .join("");
  const finish = parts.find((p) => p.type === "finish") as
    | { messageMetadata?: { sources?: Source[] } }
    | undefined;
  const start = parts.find((p) => p.type === "start") as
    | {
        messageMetadata?: { retrieval?: { mode: string; degradedReason?: string }; knowledgeTokens?: number };
      }
    | undefined;
  return {
    status: response.status,
    answer,
    sources: finish?.messageMetadata?.sources ?? [],
    retrieval: start?.messageMetadata?.retrieval,
    knowledgeTokens: start?.messageMetadata?.knowledgeTokens,
  };
}

describe("answers with sources", () => {
  const question = "Which embedding model and how many dimensions does the knowledge base use?";

  it("cites the document that holds the answer, and the id maps to that document", async () => {
    const { status, answer, sources, retrieval } = await ask(question, { [API_KEY_HEADER]: SCOPED_KEY });
    expect(status).toBe(200);
    expect(retrieval).toEqual({ mode: "hybrid" });
    const cited = sources.filter((s) => s.cited);
    expect(cited).toHaveLength(1);
    expect(cited[0]?.source).toBe("docs/knowledge-base.md");
    expect(answer).toContain(`[${cited[0]?.id}]`);
    // Ids are 1..n in rank order, one per source.
    expect(sources.map((s) => s.id)).toEqual(sources.map((_, i) => i + 1));

    // The model saw the passage under the same id the UI shows.
    const chat = emulator.requests({ path: "/llm/v1/chat/completions" })[0];
    const system = JSON.stringify(chat?.body);
    expect(system).toContain(`<source id=\\"${cited[0]?.id}\\" title=\\"The knowledge base\\"`);
  });

  it("reports what the sources block cost, as counted while it was built", async () => {
    const { knowledgeTokens, sources } = await ask(question, { [API_KEY_HEADER]: SCOPED_KEY });
    const body = emulator.requests({ path: "/llm/v1/chat/completions" })[0]?.body as {
      messages: { role: string; content: string }[];
    };
    const system = body.messages.find((m) => m.role === "system")?.content ?? "";
    const joined = system.slice(system.indexOf(CITATION_INSTRUCTIONS) - 2); // "\n\n" + the block
    expect(joined.startsWith("\n\n")).toBe(true);
    expect(joined).toContain("</sources>");
    // Counted in parts while it was built (each source's text at ingest, apart from its tag) vs
    // counted whole: about a token per source apart, never retokenized.
    expect(sources.length).toBeGreaterThan(0);
    expect(Math.abs((knowledgeTokens ?? 0) - countTokens(joined))).toBeLessThanOrEqual(sources.length + 2);
  });

  it("embeds the question once, billed to the user's credential, not the operator's", async () => {
    await ask(question, { [API_KEY_HEADER]: SCOPED_KEY });
    const embeddings = emulator.requests({ path: "/embed/v1/embeddings" });
    expect(embeddings).toHaveLength(1);
    expect(embeddings[0]?.headers.authorization).toBe(`Bearer ${SCOPED_KEY}`);
  });

  it("falls back to text search when the user cannot pay for the embedding, and still answers", async () => {
    emulator.inject({ failure: "payment_required", match: { path: "embeddings" } });
    const { status, sources, retrieval } = await ask(question, { [API_KEY_HEADER]: SCOPED_KEY });
    expect(status).toBe(200);
    expect(retrieval).toEqual({ mode: "text-only", degradedReason: "payment_required" });
    expect(sources.find((s) => s.cited)?.source).toBe("docs/knowledge-base.md");
  });

  it("answers OpenRouter users from the same documents, by text search", async () => {
    const { status, answer, sources, retrieval } = await ask(
      question,
      { [PROVIDER_HEADER]: "openrouter", [OPENROUTER_KEY_HEADER]: OPENROUTER_KEY },
      "meta-llama/llama-3.3-70b-instruct",
    );
    expect(status).toBe(200);
    expect(answer).toContain("You asked");
    // Said as what it is: no Chutes credential to embed with, not a rejected key.
    expect(retrieval).toEqual({ mode: "text-only", degradedReason: "no_chutes_credential" });
    expect(sources.some((s) => s.cited)).toBe(true);
    expect(emulator.requests({ path: "/openrouter/api/v1/chat/completions" })[0]?.headers.authorization).toBe(
      `Bearer ${OPENROUTER_KEY}`,
    );
    expect(emulator.requests({ path: "/embed/v1/embeddings" })).toHaveLength(0);
  });
});

describe("the knowledge base routes", () => {
  it("searches with the caller's credential and ranks the right document first", async () => {
    const response = await searchRoute(
      new NextRequest("http://localhost:3000/api/rag/search", {
        method: "POST",
        headers: { "content-type": "application/json", [API_KEY_HEADER]: SCOPED_KEY },
        body: JSON.stringify({ query: "default embedding model dimensions", k: 3 }),
      }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.retrieval).toEqual({ mode: "hybrid" });
    expect(body.results).toHaveLength(3);
    expect(body.results[0]).toMatchObject({ rank: 1, source: "docs/knowledge-base.md" });
    expect(body.results[0].score).toBeGreaterThan(body.results[2].score);
    // Why this source: its place in each list and the question's words it holds.
    expect(body.results[0].evidence).toMatchObject({
      textRank: expect.any(Number),
      vectorRank: expect.any(Number),
    });
    expect(body.results[0].evidence.matchedTerms).toEqual(expect.arrayContaining(["embedding", "model"]));
    expect(emulator.requests({ path: "/embed/v1/embeddings" })[0]?.headers.authorization).toBe(
      `Bearer ${SCOPED_KEY}`,
    );
  });

  it("refuses a search without a credential and an empty query", async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      searchRoute(
        new NextRequest("http://localhost:3000/api/rag/search", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        }),
      );
    expect((await post({ query: "x" })).status).toBe(401);
    const empty = await post({ query: "  " }, { [API_KEY_HEADER]: SCOPED_KEY });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.message).toContain("query");
  });

  it("reports documents, chunks, the embedding model and when it was last ingested", async () => {
    const status = await (await statusRoute()).json();
    expect(status).toMatchObject({ available: true, embeddingModel: "BAAI/bge-m3", dimensions: 1024 });
    expect(status.documents).toBeGreaterThanOrEqual(8);
    expect(status.chunks).toBe(status.embeddedChunks);
    expect(Date.parse(status.lastIngestAt)).toBeGreaterThan(Date.now() - 10 * 60_000);
  });
});
