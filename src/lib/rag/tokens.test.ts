// @vitest-environment node
import { describe, expect, it } from "vitest";
import { countTokens, countTokensUpTo } from "./tokens.ts";

// The chunker asks "does this paragraph fit in a chunk?" of paragraphs up to a whole file long.
describe("counting tokens up to a limit", () => {
  const prose = Array.from({ length: 3000 }, (_, i) => `Line ${i} of the harbour log, crane ${i % 9}.`).join(
    " ",
  );
  const blob = `intro words ${"QmFzZTY0".repeat(400)} and ${"x".repeat(5000)} outro`;
  // Mostly whitespace: far more characters than tokens, so its length says little about its count.
  const sparse = `${"word".padEnd(200)}`.repeat(500);
  const texts = {
    short: "A short sentence.",
    prose,
    blob,
    mixed: `${prose} ${blob} ${prose}`,
    sparse,
    empty: "",
  };

  it("gives the same count as counting whole when the text is within the limit", () => {
    for (const [name, text] of Object.entries(texts)) {
      const whole = countTokens(text);
      expect(countTokensUpTo(text, whole), name).toBe(whole);
      expect(countTokensUpTo(text, whole + 1000), name).toBe(whole);
    }
  });

  it("says the text is over the limit, however far over", () => {
    for (const [name, text] of Object.entries(texts)) {
      const whole = countTokens(text);
      if (whole === 0) continue;
      expect(countTokensUpTo(text, whole - 1), name).toBe(Number.POSITIVE_INFINITY);
      expect(countTokensUpTo(text, Math.floor(whole / 10)), name).toBe(Number.POSITIVE_INFINITY);
    }
  });
});
