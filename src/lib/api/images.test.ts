import { describe, expect, it } from "vitest";
import { DOCUMENT_LIMITS, documentPart, documentsForRequest } from "./documents.ts";
import { IMAGE_LIMITS, imagesForModel, readDataUrl } from "./images.ts";

const image = (name: string) => ({
  type: "file" as const,
  mediaType: "image/png",
  filename: name,
  url: "data:image/png;base64,AAAA",
});
const question = (id: string, ...parts: Array<{ type: string; [k: string]: unknown }>) => ({
  id,
  role: "user",
  parts,
});

describe("readDataUrl", () => {
  it("reads the media type and decoded size, padding included", () => {
    expect(readDataUrl(`data:image/png;base64,${Buffer.from("12345").toString("base64")}`)).toEqual({
      mediaType: "image/png",
      bytes: 5,
    });
    expect(readDataUrl(`data:image/jpeg;base64,${Buffer.from("123456").toString("base64")}`)?.bytes).toBe(6);
  });

  it("is null for anything that is not base64 data", () => {
    expect(readDataUrl("https://example.com/cat.png")).toBeNull();
    expect(readDataUrl("data:image/png,rawtext")).toBeNull();
    expect(readDataUrl("data:image/png;base64,***")).toBeNull();
  });
});

describe("imagesForModel", () => {
  it("gives a text-only model a placeholder naming each image, and keeps the words", () => {
    const sent = imagesForModel(
      [question("q", image("cat.png"), { type: "text", text: "what is it?" })],
      false,
    );
    expect(sent[0]?.parts).toEqual([
      { type: "text", text: "[image cat.png, not sent]" },
      { type: "text", text: "what is it?" },
    ]);
  });

  it("sends a vision model the newest images up to the limit, older ones as placeholders", () => {
    const many = Array.from({ length: IMAGE_LIMITS.perRequest + 2 }, (_, i) =>
      question(`q${i}`, image(`p${i}.png`)),
    );
    const sent = imagesForModel(many, true);
    expect(sent.slice(0, 2).map((m) => m.parts[0])).toEqual([
      { type: "text", text: "[image p0.png, not sent]" },
      { type: "text", text: "[image p1.png, not sent]" },
    ]);
    expect(sent.slice(2).every((m) => m.parts[0]?.type === "file")).toBe(true);
  });

  it("leaves attached documents to every model: they are text, read on the server", () => {
    const report = documentPart("report.pdf", "text/plain", "Text");
    const sent = imagesForModel([question("q", report, image("cat.png"))], false);
    expect(sent[0]?.parts).toEqual([report, { type: "text", text: "[image cat.png, not sent]" }]);
  });

  it("sends the newest documents only, naming the older ones, so the server never refuses the conversation", () => {
    const many = Array.from({ length: DOCUMENT_LIMITS.perRequest + 1 }, (_, i) =>
      question(`q${i}`, documentPart(`f${i}.txt`, "text/plain", `text ${i}`)),
    );
    const sent = documentsForRequest(many);
    expect(sent[0]?.parts).toEqual([
      { type: "text", text: "[file f0.txt, no longer read: a question reads the 4 newest files]" },
    ]);
    expect(sent.slice(1).map((m) => m.parts[0])).toEqual(many.slice(1).map((m) => m.parts[0]));
  });

  it("leaves a conversation without images as it was", () => {
    const messages = [question("q", { type: "text", text: "hi" })];
    expect(imagesForModel(messages, false)[0]).toBe(messages[0]);
  });
});
