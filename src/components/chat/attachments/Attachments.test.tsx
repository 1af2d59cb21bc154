import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { documentText } from "@/src/lib/api/documents.ts";
import { makePdf } from "@/tests/support/pdf.ts";
import { Composer } from "../Composer.tsx";
import { cutToBytes } from "./prepareDocument.ts";
import { fitWithin } from "./prepareImage.ts";
import type { AttachmentPart } from "./useAttachments.ts";

// jsdom decodes no images: the browser's decoder is replaced by one that reports a size, so the
// composer's own behaviour (what it attaches, refuses and sends) runs as in a browser. Resizing
// itself needs a real canvas and is proven in the browser test.
beforeEach(() => {
  vi.stubGlobal("createImageBitmap", async () => ({ width: 800, height: 600, close() {} }));
});
afterEach(() => vi.unstubAllGlobals());

const shot = (name = "shot.png", type = "image/png") =>
  new File([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], name, { type });
const fileInput = (container: HTMLElement) =>
  container.querySelector<HTMLInputElement>('input[type="file"]') as HTMLInputElement;
const send = () => screen.getByRole("button", { name: "Send" }) as HTMLButtonElement;

function renderComposer(imageRefusal: string | null = null) {
  const onSend = vi.fn((_text: string, _files: AttachmentPart[]) => true);
  const view = render(
    <Composer busy={false} onSend={onSend} onStop={() => {}} imageRefusal={imageRefusal} />,
  );
  return { ...view, onSend };
}

describe("attaching images in the composer", () => {
  it("shows a picked image as a thumbnail and sends its bytes with the text", async () => {
    const user = userEvent.setup();
    const { container, onSend } = renderComposer();
    await user.upload(fileInput(container), shot());
    const attached = await screen.findByRole("list", { name: "Attachments" });
    expect(await within(attached).findByRole("img", { name: "shot.png" })).toBeTruthy();

    await user.type(screen.getByRole("textbox", { name: "Message" }), "what is this?");
    await user.click(send());
    expect(onSend).toHaveBeenCalledTimes(1);
    const [text, images] = onSend.mock.calls[0] ?? [];
    expect(text).toBe("what is this?");
    expect(images).toMatchObject([{ type: "file", mediaType: "image/png", filename: "shot.png" }]);
    expect(Buffer.from(images?.[0]?.url.split(",")[1] ?? "", "base64")).toEqual(
      Buffer.from([137, 80, 78, 71, 1, 2, 3]),
    );
    expect(screen.queryByRole("list", { name: "Attachments" })).toBeNull();
  });

  it("sends an image without words, and lets one be removed before sending", async () => {
    const user = userEvent.setup();
    const { container, onSend } = renderComposer();
    await user.upload(fileInput(container), [shot("a.png"), shot("b.png")]);
    await screen.findByRole("img", { name: "b.png" });
    await user.click(screen.getByRole("button", { name: "Remove a.png" }));
    expect(screen.queryByRole("img", { name: "a.png" })).toBeNull();
    await user.click(send());
    expect(onSend.mock.calls[0]).toMatchObject(["", [{ filename: "b.png" }]]);
  });

  it("takes a pasted screenshot and a dropped photo", async () => {
    const { onSend } = renderComposer();
    const box = screen.getByRole("textbox", { name: "Message" });
    fireEvent.paste(box, { clipboardData: { files: [shot("pasted.png")], getData: () => "" } });
    await screen.findByRole("img", { name: "pasted.png" });
    const form = box.closest("form") as HTMLFormElement;
    fireEvent.drop(form, { dataTransfer: { files: [shot("dropped.jpg", "image/jpeg")], types: ["Files"] } });
    await screen.findByRole("img", { name: "dropped.jpg" });
    fireEvent.click(send());
    expect(onSend.mock.calls[0]?.[1]).toHaveLength(2);
  });

  it("names a file it cannot read and attaches the rest", async () => {
    const { container } = renderComposer();
    fireEvent.change(fileInput(container), {
      target: { files: [new File(["PK"], "sheet.xlsx", { type: "application/vnd.ms-excel" }), shot()] },
    });
    expect(
      await screen.findByText(
        "sheet.xlsx cannot be attached: attach images or text, Markdown, HTML or PDF documents.",
      ),
    ).toBeTruthy();
    expect(screen.getByRole("img", { name: "shot.png" })).toBeTruthy();
  });

  it("takes at most four images in one message and says so", async () => {
    const user = userEvent.setup();
    const { container } = renderComposer();
    await user.upload(
      fileInput(container),
      ["1", "2", "3", "4", "5"].map((n) => shot(`${n}.png`)),
    );
    expect(
      await screen.findByText("A message may hold at most 4 images: 5.png was not attached."),
    ).toBeTruthy();
    await waitFor(() => expect(screen.getAllByRole("img")).toHaveLength(4));
  });

  it("refuses to send images to a text-only model, says why, and sends once they are removed", async () => {
    const user = userEvent.setup();
    const reason =
      "deepseek-ai/DeepSeek-V3.2-TEE reads text only: pick a model marked Vision to send images, or remove them.";
    const { container, onSend } = renderComposer(reason);
    await user.type(screen.getByRole("textbox", { name: "Message" }), "hello");
    expect(screen.queryByText(reason)).toBeNull();
    await user.upload(fileInput(container), shot());
    expect((await screen.findByRole("alert")).textContent).toBe(reason);
    expect(send().disabled).toBe(true);
    await user.click(screen.getByRole("button", { name: "Remove shot.png" }));
    expect(send().disabled).toBe(false);
    await user.click(send());
    expect(onSend).toHaveBeenCalledWith("hello", []);
  });
});

describe("attaching documents in the composer", () => {
  it("reads a Markdown file's text and a PDF's text, and sends them as documents", async () => {
    const user = userEvent.setup();
    const { container, onSend } = renderComposer();
    const pdf = makePdf([["Harbour report", "The crane lifted 4,812 containers."], ["Page two."]]);
    await user.upload(fileInput(container), [
      new File(["# Notes\n\nGrüße from the harbour."], "notes.md", { type: "" }),
      new File([pdf], "report.pdf", { type: "application/pdf" }),
    ]);
    const attached = await screen.findByRole("list", { name: "Attachments" });
    await within(attached).findByText("report.pdf", {}, { timeout: 10_000 });
    expect(within(attached).getByText("notes.md")).toBeTruthy();
    await user.click(send());
    const files = onSend.mock.calls[0]?.[1] ?? [];
    expect(files.map((f) => [f.filename, f.mediaType])).toEqual([
      ["notes.md", "text/markdown"],
      ["report.pdf", "text/plain"],
    ]);
    expect(documentText(files[0] as AttachmentPart)).toBe("# Notes\n\nGrüße from the harbour.");
    expect(documentText(files[1] as AttachmentPart)).toContain("The crane lifted 4,812 containers.");
    expect(documentText(files[1] as AttachmentPart)).toContain("Page two.");
  });

  it("says when a file is empty or a PDF has no text, and takes documents for a text-only model", async () => {
    const user = userEvent.setup();
    const { container, onSend } = renderComposer("x reads text only");
    await user.upload(fileInput(container), [
      new File([""], "empty.txt", { type: "text/plain" }),
      new File([makePdf([[]])], "scan.pdf", { type: "application/pdf" }),
      new File(["<h1>Hi</h1>"], "page.html", { type: "text/html" }),
    ]);
    expect(
      await screen.findByText(
        "empty.txt is empty. scan.pdf has no text to read: a scanned PDF needs text recognition first.",
        {},
        { timeout: 10_000 },
      ),
    ).toBeTruthy();
    await user.click(send());
    expect(onSend.mock.calls[0]?.[1]).toMatchObject([{ filename: "page.html", mediaType: "text/html" }]);
  });

  it("cuts text to the limit without splitting a character", () => {
    expect(cutToBytes("abc", 10)).toEqual({ kept: "abc", cut: false });
    // "ü" is two bytes: a cut after three bytes keeps "aü", not half of the next one.
    expect(cutToBytes("aüü", 4)).toEqual({ kept: "aü", cut: true });
  });
});

describe("fitWithin", () => {
  it("scales a photo's long side to the limit, keeping its proportions, and leaves small ones be", () => {
    expect(fitWithin(4032, 3024, 2048)).toEqual({ width: 2048, height: 1536 });
    expect(fitWithin(1000, 5000, 2048)).toEqual({ width: 410, height: 2048 });
    expect(fitWithin(640, 480, 2048)).toEqual({ width: 640, height: 480 });
  });
});
