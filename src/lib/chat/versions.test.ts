import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./messages.ts";
import { newVersionFields, switchVersion, versionPosition } from "./versions.ts";

const text = (id: string, role: "user" | "assistant", value: string): ChatMessage => ({
  id,
  role,
  parts: [{ type: "text", text: value }],
});

const q = text("q", "user", "Longest river?");
const a1 = text("a1", "assistant", "The Nile.");
const a2 = text("a2", "assistant", "The Amazon.");

describe("answer versions", () => {
  it("counts a message without versions as 1 of 1", () => {
    expect(versionPosition(a1)).toEqual({ index: 0, count: 1 });
  });

  it("keeps the replaced branch and flips between the two, tail included", () => {
    const before = [q, a1, text("f", "user", "Follow-up"), text("fa", "assistant", "Sure.")];
    const fields = newVersionFields(before, 1);
    const after: ChatMessage[] = [q, { ...a2, metadata: fields }];
    expect(versionPosition(after[1] as ChatMessage)).toEqual({ index: 1, count: 2 });

    const back = switchVersion(after, 1, 0);
    expect(back.map((m) => m.id)).toEqual(["q", "a1", "f", "fa"]);
    expect(versionPosition(back[1] as ChatMessage)).toEqual({ index: 0, count: 2 });

    const forward = switchVersion(back, 1, 1);
    expect(forward.map((m) => m.id)).toEqual(["q", "a2"]);
    expect(versionPosition(forward[1] as ChatMessage)).toEqual({ index: 1, count: 2 });
  });

  it("adds a third version after the others", () => {
    const two: ChatMessage[] = [q, { ...a2, metadata: newVersionFields([q, a1], 1) }];
    const three: ChatMessage[] = [
      q,
      { ...text("a3", "assistant", "Hm."), metadata: newVersionFields(two, 1) },
    ];
    expect(versionPosition(three[1] as ChatMessage)).toEqual({ index: 2, count: 3 });
    expect(switchVersion(three, 1, 0)[1]?.id).toBe("a1");
    expect(switchVersion(three, 1, 1)[1]?.id).toBe("a2");
  });
});
