import { expect, keys, test } from "./fixtures.ts";

// Images for vision models as a user sends them: picked from the file dialog, scaled down in the
// browser, received by the model, shown in the conversation and still there after a reload.

const VISION_MODEL = "unsloth/gemma-3-12b-it";

type ImageContent = { type: string; image_url?: { url: string } };
type RecordedChat = { messages: Array<{ role: string; content: string | ImageContent[] }> };

test("a large photo reaches the vision model scaled to 2048 px, shows in the question and survives a reload", async ({
  setup,
  chat,
  emulator,
  page,
}) => {
  await setup.connectWithKey(keys.admin);
  await chat.selectModel(VISION_MODEL);
  // A 3000×2000 PNG, drawn by the browser itself: larger than any model takes.
  const png = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 3000;
    canvas.height = 2000;
    const context = canvas.getContext("2d") as CanvasRenderingContext2D;
    const gradient = context.createLinearGradient(0, 0, 3000, 2000);
    gradient.addColorStop(0, "#0369a1");
    gradient.addColorStop(1, "#f59e0b");
    context.fillStyle = gradient;
    context.fillRect(0, 0, 3000, 2000);
    return canvas.toDataURL("image/png").split(",")[1] ?? "";
  });
  await chat.attach({ name: "harbour.png", mimeType: "image/png", buffer: Buffer.from(png, "base64") });
  await expect(
    page.getByRole("list", { name: "Attachments" }).getByRole("img", { name: "harbour.png" }),
  ).toBeVisible();
  await chat.send("What is in this picture?");

  await expect(chat.lastAnswer()).toContainText('You asked: "What is in this picture?"');
  await expect(chat.lastAnswer()).toContainText(/Received 1 image: image\/jpeg \d+ bytes\./);
  const calls = await emulator.requests({ path: "/llm/v1/chat/completions" });
  expect(calls).toHaveLength(1);
  const body = calls[0]?.body as RecordedChat;
  const content = body.messages.findLast((m) => m.role === "user")?.content as ImageContent[];
  const sent = content.find((part) => part.type === "image_url")?.image_url?.url ?? "";
  expect(sent).toMatch(/^data:image\/jpeg;base64,/);

  const shown = chat.userMessages().last().getByRole("img", { name: "harbour.png" });
  await expect(shown).toBeVisible();
  const size = () => shown.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(await size()).toEqual([2048, 1365]);
  await expect(page.getByRole("list", { name: "Attachments" })).toBeHidden();

  // The exchange is stored once the answer ends.
  await expect(chat.stopButton).toBeHidden({ timeout: 20_000 });
  await page.reload();
  await expect(chat.lastAnswer()).toContainText("Received 1 image");
  await expect(shown).toBeVisible();
  expect(await size()).toEqual([2048, 1365]);
});

test("a text-only model refuses an attached image before any request, and says what to do", async ({
  setup,
  chat,
  emulator,
}) => {
  await setup.connectWithKey(keys.admin);
  await chat.selectModel("deepseek-ai/DeepSeek-V3.2-TEE");
  // The smallest valid PNG: 1×1, transparent.
  const dot = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  );
  await chat.composer.fill("Describe this");
  await chat.attach({ name: "dot.png", mimeType: "image/png", buffer: dot });
  await expect(chat.alert).toContainText("reads text only: pick a model marked Vision to send images");
  await expect(chat.sendButton).toBeDisabled();
  await chat.composer.press("Enter");
  expect(await emulator.requests({ path: "/llm/v1/chat/completions" })).toHaveLength(0);

  await chat.selectModel(VISION_MODEL);
  await expect(chat.sendButton).toBeEnabled();
  await chat.sendButton.click();
  await expect(chat.lastAnswer()).toContainText("Received 1 image: image/png");
});
