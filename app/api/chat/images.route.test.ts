// @vitest-environment node
import { describe, expect, it } from "vitest";
import { joinedDeltas, postChat, streamChunks, withEmulator } from "./testkit.ts";

// Images through the real route and the real emulator: the bytes a user attached reach a vision
// model as image parts, and a model that reads text only is refused with a message that says so.

const emulatorOf = withEmulator();

const png = Buffer.alloc(4321, 3).toString("base64");
const withImage = (text: string) => ({
  id: "u1",
  role: "user",
  parts: [
    { type: "file", mediaType: "image/png", filename: "chart.png", url: `data:image/png;base64,${png}` },
    { type: "text", text },
  ],
});

describe("images through /api/chat", () => {
  it("sends the attached image to a vision model, which receives its exact bytes", async () => {
    const response = await postChat({
      model: "unsloth/gemma-3-12b-it",
      messages: [withImage("What is this?")],
    });
    expect(response.status).toBe(200);
    expect(joinedDeltas(await streamChunks(response), "text-delta")).toContain(
      "Received 1 image: image/png 4321 bytes.",
    );
    const [sent] = emulatorOf().requests({ path: "/llm/v1/chat/completions" });
    expect(JSON.stringify(sent?.body)).toContain(`"url":"data:image/png;base64,${png}"`);
  });

  it("tells the user a text-only model cannot read images, in words, not a generic error", async () => {
    const response = await postChat({ model: "Qwen/Qwen3-32B", messages: [withImage("What is this?")] });
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(body)).toEqual({
      error: { code: "bad_request", message: "Qwen/Qwen3-32B is not a multimodal model" },
    });
    expect(body).not.toContain(png);
  });
});
