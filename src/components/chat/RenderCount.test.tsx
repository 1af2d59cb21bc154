import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ask,
  conversationLog,
  renderChat,
  seedConversations,
  serveChat,
  storedConversation,
  textMessage,
} from "@/tests/support/chatApp.tsx";
import { controlledAnswer, freshBrowserStorage, setupTestServer } from "@/tests/support/components.ts";
import { RenderProbeContext } from "./renderProbe.tsx";

const { server } = setupTestServer();
beforeEach(freshBrowserStorage);

const CHUNKS = 20;
const EARLIER_EXCHANGES = 15;

describe("render counts while an answer streams", () => {
  it("re-renders only the row being written, never the earlier ones", async () => {
    const earlier = Array.from({ length: EARLIER_EXCHANGES }, (_, i) => [
      textMessage(`q${i}`, "user", `Question ${i}`),
      textMessage(
        `a${i}`,
        "assistant",
        `Answer **${i}** with \`code\` and a [link](https://example.org/${i}).`,
      ),
    ]).flat();
    await seedConversations([storedConversation("long", "Long chat", Date.now(), earlier)]);

    const renders = new Map<string, number>();
    const probe = (rowId: string) => renders.set(rowId, (renders.get(rowId) ?? 0) + 1);
    const answer = controlledAnswer();
    serveChat(server, answer.response);
    const { user } = await renderChat({
      wrapper: (app) => <RenderProbeContext value={probe}>{app}</RenderProbeContext>,
    });
    await user.click(await screen.findByRole("button", { name: "Long chat" }));
    await within(conversationLog()).findByText("Question 14");

    await ask(user, "One more question");
    act(() => {
      answer.write({ type: "start", messageId: "streaming-answer" });
      answer.write({ type: "text-start", id: "t" });
      answer.write({ type: "text-delta", id: "t", delta: "Chunk0 " });
    });
    await within(conversationLog()).findByText(/Chunk0/);
    // The new question's id is random (it may start with "q" or "a" like the seeded ones).
    const seededIds = new Set(earlier.map((m) => m.id));
    const userRowId = [...renders.keys()].find((id) => !seededIds.has(id) && id !== "streaming-answer");

    renders.clear();
    for (let i = 1; i <= CHUNKS; i++) {
      act(() => answer.write({ type: "text-delta", id: "t", delta: `Chunk${i} ` }));
      await waitFor(() => expect(conversationLog().textContent).toContain(`Chunk${i}`));
    }

    const earlierIds = [...earlier.map((m) => m.id), userRowId ?? "missing"];
    const earlierRenders = earlierIds.reduce((sum, id) => sum + (renders.get(id) ?? 0), 0);
    const streamingRenders = renders.get("streaming-answer") ?? 0;
    console.info(
      `render counts during ${CHUNKS} streamed chunks: earlier rows (${earlierIds.length}) ${earlierRenders} renders; streaming row ${streamingRenders} renders`,
    );
    expect(userRowId).toBeDefined();
    expect(earlierRenders).toBe(0);
    expect([...renders.keys()]).toEqual(["streaming-answer"]);
    // At least one render per chunk is not required (React may batch), but there must be some.
    expect(streamingRenders).toBeGreaterThan(0);
    expect(streamingRenders).toBeLessThanOrEqual(CHUNKS * 2);

    act(() => {
      answer.write({ type: "text-end", id: "t" });
      answer.write({ type: "finish" });
      answer.close();
    });
    await waitFor(() => expect(screen.queryByRole("button", { name: "Stop" })).toBeNull());
  });
});
