import { makePdf } from "../support/pdf.ts";
import { expect, keys, test } from "./fixtures.ts";

// A document attached to one question, as a user does it: a PDF picked from the file dialog, its
// text read in the browser, cited in the answer as "from your file", and never sent as a file.

test("a PDF attached to a question is read in the browser and cited as the user's file", async ({
  setup,
  chat,
  emulator,
  page,
}) => {
  await setup.connectWithKey(keys.admin);
  const pdf = makePdf([
    ["Harbour report 2026", "The harbour crane lifted 4,812 containers in March."],
    ["Nine crane operators work in three shifts."],
  ]);
  await chat.attach({ name: "harbour-report.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
  await expect(page.getByRole("list", { name: "Attachments" }).getByText("harbour-report.pdf")).toBeVisible();
  await chat.send("How many containers did the harbour crane lift in March?");

  const answer = chat.lastAnswer();
  await expect(answer).toContainText("4,812 containers");
  await expect(answer).toContainText("[1]");
  const sources = answer.getByRole("region", { name: "Sources" });
  await expect(sources).toContainText("[1] harbour-report.pdf");
  await expect(sources).toContainText("from your file");
  await expect(chat.userMessages().last().getByRole("list", { name: "Files sent" })).toContainText(
    "harbour-report.pdf",
  );

  const [call] = await emulator.requests({ path: "/llm/v1/chat/completions" });
  const body = JSON.stringify(call?.body);
  expect(body).toContain("Nine crane operators work in three shifts.");
  expect(body).not.toContain("%PDF");
  expect(body).not.toMatch(/"type":"(file|image_url)"/);
});
