// @vitest-environment node
import { describe, expect, it } from "vitest";
import { documentPart } from "@/src/lib/api/documents.ts";
import { joinedDeltas, postChat, streamChunks, withEmulator } from "./testkit.ts";

// Documents through the real route and the real emulator: an attached file's text reaches the model
// as cited sources marked as the user's file, never as a file part, and a file too long for the
// budget is cut with a notice in the answer's metadata.

const emulatorOf = withEmulator();

type Source = { id: number; title: string; origin?: string; cited: boolean };
type Metadata = {
  sources?: Source[];
  fileNotices?: Array<{ filename: string; readTokens: number; totalTokens: number }>;
};

const REPORT =
  "# Harbour report\n\nThe harbour crane lifted 4,812 containers in March, a record for the port.\n\n" +
  "## Staff\n\nNine crane operators work in three shifts.";

const ask = (text: string, file = documentPart("harbour.md", "text/markdown", REPORT)) =>
  postChat({
    model: "Qwen/Qwen3-32B",
    messages: [{ id: "u1", role: "user", parts: [file, { type: "text", text }] }],
  });

/** The answer's metadata as the browser merges it: each part's fields over the earlier ones. */
const finishMetadata = (chunks: Awaited<ReturnType<typeof streamChunks>>): Metadata =>
  Object.assign({}, ...chunks.map((c) => c.messageMetadata ?? {}));

describe("documents through /api/chat", () => {
  it("gives the file's text as sources, cited and marked as the user's file", async () => {
    const response = await ask("How many containers did the harbour crane lift in March?");
    expect(response.status).toBe(200);
    const chunks = await streamChunks(response);
    const answer = joinedDeltas(chunks, "text-delta");
    expect(answer).toContain("4,812 containers");
    const sources = finishMetadata(chunks).sources ?? [];
    const cited = sources.find((s) => s.cited);
    expect(cited).toMatchObject({ title: "harbour.md", origin: "file" });
    expect(answer).toContain(`[${cited?.id}]`);

    const [sent] = emulatorOf().requests({ path: "/llm/v1/chat/completions" });
    const body = JSON.stringify(sent?.body);
    expect(body).toContain('from=\\"file\\"');
    expect(body).toContain("[attached file harbour.md: its text is given as sources]");
    // The file goes as text in the sources, not as a file part Chutes would refuse.
    expect(body).not.toContain("data:text/markdown");
  });

  it("cuts a file longer than the budget and says how much of it was read", async () => {
    const long = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i} talks about crane number ${i}.`).join(
      "\n\n",
    );
    const chunks = await streamChunks(await ask("Summarise", documentPart("log.txt", "text/plain", long)));
    const notice = finishMetadata(chunks).fileNotices?.[0];
    expect(notice?.filename).toBe("log.txt");
    expect(notice?.readTokens).toBeGreaterThan(10_000);
    expect(notice?.readTokens).toBeLessThan(notice?.totalTokens ?? 0);
  });

  it("refuses a document that is not text, or too big, with the reason", async () => {
    const pdf = {
      type: "file",
      mediaType: "application/pdf",
      filename: "a.pdf",
      url: "data:application/pdf;base64,JVBERi0=",
    };
    const refused = await postChat({
      model: "Qwen/Qwen3-32B",
      messages: [{ id: "u1", role: "user", parts: [pdf, { type: "text", text: "Read" }] }],
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/PNG, JPEG, WebP or GIF|text, Markdown, HTML/);

    const huge = documentPart("big.txt", "text/plain", "x".repeat(1024 * 1024 + 1));
    const tooBig = await ask("Read", huge);
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain("at most 1 MB of text");
    expect(emulatorOf().requests({ path: "/llm/v1/chat/completions" })).toHaveLength(0);
  });
});
