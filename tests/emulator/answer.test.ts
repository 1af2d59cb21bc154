// @vitest-environment node
import { describe, expect, it } from "vitest";
import { bestSource, composeAnswer, parseSources } from "./answer.ts";

const system = [
  "Cite sources. The <source> elements below are excerpts from the knowledge base.",
  '<source id="1" title="Embeddings" path="docs/kb.md">The default embedding model is BAAI/bge-m3 with 1024 dimensions.</source>',
  '<source id="2" title="Privacy" path="docs/privacy.md">The knowledge base stores documents; embeddings of questions are not stored.</source>',
].join("\n");

describe("emulated citations", () => {
  it("ignores a bare <source> mentioned in prose and keeps every real block", () => {
    expect(parseSources(system).map((b) => b.id)).toEqual(["1", "2"]);
  });

  it("cites the highest-ranked source that relates to the question", () => {
    const question = "Which embedding model and how many dimensions does the knowledge base use?";
    expect(bestSource(parseSources(system), question)?.id).toBe("1");
    expect(
      composeAnswer("m", [
        { role: "system", content: system },
        { role: "user", content: question },
      ]),
    ).toContain("[1]");
  });

  it("cites nothing without source blocks", () => {
    expect(composeAnswer("m", [{ role: "user", content: "hello [1]" }])).not.toMatch(/\[\d+\]\.$/);
  });
});
