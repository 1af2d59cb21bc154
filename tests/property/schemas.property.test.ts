// @vitest-environment node
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatRequestSchema } from "@/src/lib/api/chatRequest.ts";
import { ragSearchRequestSchema } from "@/src/lib/api/ragSearch.ts";

// Property tests for the request schemas: whatever a client sends, parsing answers (never throws),
// and every request the app itself would send is accepted.

const anything = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
});

// Objects shaped like a request but with wrong types, missing or extra fields.
const nearlyChat = fc.record(
  {
    messages: fc.oneof(
      fc.array(fc.dictionary(fc.string(), anything, { maxKeys: 5 }), { maxLength: 5 }),
      anything,
    ),
    model: fc.oneof(fc.string(), anything),
  },
  { requiredKeys: [] },
);

const modelId = fc.stringMatching(/^[\w.\-/:,]{1,200}$/).filter((s) => s.trim().length > 0);
const part = fc.oneof(
  fc.record({ type: fc.constant("text"), text: fc.string({ unit: "grapheme", maxLength: 200 }) }),
  fc.record({ type: fc.constantFrom("step-start", "reasoning", "source-url"), extra: fc.string() }),
);
const uiMessage = fc.record({
  id: fc.string({ minLength: 1, maxLength: 200 }),
  role: fc.constantFrom("user", "assistant"),
  parts: fc.array(part, { maxLength: 20 }),
});
const validChat = fc.record({
  messages: fc.array(uiMessage, { minLength: 1, maxLength: 30 }),
  model: modelId,
});

describe("chat request schema", () => {
  it("never throws, whatever the body", () => {
    fc.assert(
      fc.property(fc.oneof(anything, nearlyChat), (body) => {
        const result = chatRequestSchema.safeParse(body);
        expect(typeof result.success).toBe("boolean");
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts every well-formed request and keeps its messages", () => {
    fc.assert(
      fc.property(validChat, (body) => {
        const result = chatRequestSchema.safeParse(body);
        expect(result.success).toBe(true);
        expect(result.data?.messages.map((m) => m.id)).toEqual(body.messages.map((m) => m.id));
        expect(result.data?.model).toBe(body.model.trim());
      }),
      { numRuns: 500 },
    );
  });

  it("survives JSON the way the route reads it (parse of any JSON text)", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "large" }), (text) => {
        expect(() => chatRequestSchema.safeParse(JSON.parse(text))).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});

describe("knowledge search request schema", () => {
  const validSearch = fc.record(
    {
      query: fc.string({ unit: "grapheme", minLength: 1, maxLength: 500 }).filter((q) => q.trim().length > 0),
      k: fc.integer({ min: 1, max: 50 }),
    },
    { requiredKeys: ["query"] },
  );

  it("never throws, whatever the body", () => {
    fc.assert(
      fc.property(
        fc.oneof(anything, fc.record({ query: anything, k: anything }, { requiredKeys: [] })),
        (body) => {
          expect(typeof ragSearchRequestSchema.safeParse(body).success).toBe("boolean");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("accepts every well-formed query", () => {
    fc.assert(
      fc.property(validSearch, (body) => {
        const result = ragSearchRequestSchema.safeParse(body);
        expect(result.success).toBe(true);
        expect(result.data?.query).toBe(body.query.trim());
        expect(result.data?.k).toBe(body.k);
      }),
      { numRuns: 500 },
    );
  });
});
