// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_KEY } from "./fixtures.ts";
import { type EmulatorHandle, startEmulator } from "./server.ts";
import { chatRequest } from "./testkit.ts";

const VISION = "unsloth/gemma-3-12b-it";
const TEXT_ONLY = "Qwen/Qwen3-32B";
let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, tokenDelayMs: 0 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const dataUrl = (type: string, bytes: number) =>
  `data:${type};base64,${Buffer.alloc(bytes, 7).toString("base64")}`;

const ask = (model: string, content: unknown[]) =>
  chatRequest(emu.url, ADMIN_KEY, { model, messages: [{ role: "user", content }] });

describe("image parts", () => {
  it("a vision model says how many images of which types and sizes reached it", async () => {
    const response = await ask(VISION, [
      { type: "text", text: "What is in these?" },
      { type: "image_url", image_url: { url: dataUrl("image/png", 1234) } },
      { type: "image_url", image_url: { url: dataUrl("image/jpeg", 99) } },
    ]);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices[0].message.content).toContain(
      'You asked: "What is in these?". Received 2 images: image/png 1234 bytes, image/jpeg 99 bytes.',
    );
    // Images cost prompt tokens, as they do on a real engine.
    const plain = await (await ask(VISION, [{ type: "text", text: "What is in these?" }])).json();
    expect(body.usage.prompt_tokens).toBeGreaterThan(plain.usage.prompt_tokens + 500);
  });

  it("a text-only model refuses an image with the engine's error, passed on as Chutes does", async () => {
    const response = await ask(TEXT_ONLY, [
      { type: "text", text: "Describe" },
      { type: "image_url", image_url: { url: dataUrl("image/png", 10) } },
    ]);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      detail: `Invalid request: Invalid request: ${TEXT_ONLY} is not a multimodal model`,
    });
  });

  it("refuses a malformed image and any file part", async () => {
    const broken = await ask(VISION, [
      { type: "image_url", image_url: { url: "data:text/plain;base64,aGk=" } },
    ]);
    expect(broken.status).toBe(400);
    expect((await broken.json()).detail).toMatch(/Invalid image/);

    const file = await ask(VISION, [{ type: "file", file: { file_data: "aGk=", filename: "a.txt" } }]);
    expect(file.status).toBe(400);
    expect(await file.json()).toEqual({ detail: "File content not currently supported" });
  });

  it("takes a request of several megabytes of images", async () => {
    const images = Array.from({ length: 6 }, () => ({
      type: "image_url",
      image_url: { url: dataUrl("image/jpeg", 2 * 1024 * 1024) },
    }));
    const response = await ask(VISION, [{ type: "text", text: "Six photos" }, ...images]);
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toContain("Received 6 images:");
  });
});
