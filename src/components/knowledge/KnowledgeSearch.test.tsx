import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { errorBody, setupTestServer } from "@/tests/support/components.ts";
import { KnowledgeSearch } from "./KnowledgeSearch.tsx";

const { server } = setupTestServer();

const result = (rank: number, title: string) => ({
  rank,
  title,
  source: `docs/${title.toLowerCase().replaceAll(" ", "-")}.md`,
  headingPath: `${title} > Details`,
  text: `Passage about ${title}.`,
  score: 0.03 / rank,
});

async function search(query: string) {
  const user = userEvent.setup();
  render(<KnowledgeSearch requestHeaders={() => ({ "x-chutes-api-key": "the-key" })} />);
  await user.type(screen.getByRole("searchbox", { name: "Search the knowledge base" }), query);
  await user.click(screen.getByRole("button", { name: "Search" }));
}

describe("Search the knowledge base", () => {
  it("lists passages in rank order and sends the user's credential", async () => {
    let seen: { headers: Headers; body: unknown } | undefined;
    server.use(
      http.post("*/api/rag/search", async ({ request }) => {
        seen = { headers: request.headers, body: await request.json() };
        return HttpResponse.json({
          results: [result(1, "Knowledge base"), result(2, "Privacy")],
          retrieval: { mode: "hybrid" },
        });
      }),
    );
    await search("embedding model");
    const list = await screen.findByRole("list", { name: "Knowledge base results" });
    expect([...list.querySelectorAll("li > p:first-child")].map((p) => p.textContent)).toEqual([
      "1. Knowledge base — Knowledge base > Details",
      "2. Privacy — Privacy > Details",
    ]);
    expect(seen?.headers.get("x-chutes-api-key")).toBe("the-key");
    expect(seen?.body).toEqual({ query: "embedding model", k: 8 });
  });

  it("says when the search fell back to text only, and why", async () => {
    server.use(
      http.post("*/api/rag/search", () =>
        HttpResponse.json({
          results: [result(1, "Errors")],
          retrieval: { mode: "text-only", degradedReason: "payment_required" },
        }),
      ),
    );
    await search("balance");
    expect(await screen.findByText("Knowledge base searched by text only (out of balance).")).toBeTruthy();
  });

  it("shows a typed error instead of raw JSON", async () => {
    server.use(
      http.post("*/api/rag/search", () =>
        HttpResponse.json(errorBody("key_rejected", "Rejected."), { status: 401 }),
      ),
    );
    await search("anything");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Chutes rejected your API key");
    expect(alert.textContent).not.toContain("{");
  });

  it("says so when nothing matches", async () => {
    server.use(
      http.post("*/api/rag/search", () => HttpResponse.json({ results: [], retrieval: { mode: "hybrid" } })),
    );
    await search("zebra");
    expect(await screen.findByText("Nothing in the knowledge base matches.")).toBeTruthy();
  });
});
