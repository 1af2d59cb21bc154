// The BGE-M3 slug host: POST /v1/embeddings (protocol §3.3). Vectors come from feature hashing of
// words and word bigrams, so they are deterministic and texts sharing words score a high cosine.
import { createHash, randomUUID } from "node:crypto";
import { rng } from "../support/rng.ts";
import type { RequestContext } from "./context.ts";
import { DEFAULT_SLOW_FIRST_TOKEN_MS, isFailureName, renderFailure } from "./failures.ts";
import { EMBEDDING_DIMENSIONS, EMBEDDING_MODEL } from "./fixtures.ts";
import { isRecord, sendDetail, sendJson, sleepUnlessClosed } from "./http.ts";
import { authorizeInference, rejectIfBroke } from "./llm.ts";

// Function words still count, but too little to make unrelated texts look alike.
const STOPWORDS = new Set(
  "a an and are as at be by for from has have in is it its of on or that the this to was were with".split(
    " ",
  ),
);

function addFeature(vector: Float64Array, feature: string, weight: number): void {
  const digest = createHash("sha1").update(feature).digest();
  const bucket = digest.readUInt32BE(0) % vector.length;
  const sign = (digest[4] ?? 0) & 1 ? -1 : 1;
  vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
}

/** The vector the embeddings host returns for `text` (also usable in-process, e.g. by benchmarks). */
export function embedText(text: string, dimensions: number = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  words.forEach((word, i) => {
    addFeature(vector, `w:${word}`, STOPWORDS.has(word) ? 0.2 : 1);
    const next = words[i + 1];
    if (next !== undefined) addFeature(vector, `b:${word} ${next}`, 0.5);
  });
  let norm = Math.hypot(...vector);
  if (norm === 0) {
    // Text without words still gets a valid unit vector.
    addFeature(vector, "empty", 1);
    norm = 1;
  }
  return Array.from(vector, (v) => v / norm);
}

/**
 * `embedText` with a number in every dimension, as a real model's vector has: the hashed features fill
 * a few dimensions only, and what a database spends reading a vector depends on every dimension's
 * digits. A noise seeded by the text fills the rest, small enough to move cosines by about 0.01.
 */
export function denseEmbedText(text: string, dimensions: number = EMBEDDING_DIMENSIONS): number[] {
  const noise = rng(createHash("sha1").update(text).digest().readUInt32BE(0));
  const vector = embedText(text, dimensions).map((v) => v + (noise() - 0.5) * 0.01);
  const norm = Math.hypot(...vector);
  return vector.map((v) => v / norm);
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

export async function handleEmbeddings(ctx: RequestContext): Promise<void> {
  const { res, emu } = ctx;
  const principal = authorizeInference(ctx, "embed");
  if (!principal) return;
  if (ctx.body.kind === "invalid_json" || !isRecord(ctx.body.value)) {
    return sendDetail(res, 400, `Invalid request JSON: ${ctx.body.raw.slice(0, 80) || "empty body"}`);
  }
  const body = ctx.body.value;
  const model = typeof body.model === "string" ? body.model : "None";
  const failure = model.startsWith("emulator/") ? model.slice("emulator/".length) : undefined;
  if (model !== EMBEDDING_MODEL && !(failure !== undefined && isFailureName(failure))) {
    return sendDetail(res, 404, `model not found: ${model}`);
  }
  if (rejectIfBroke(ctx, principal)) return;
  if (failure === "slow_first_token") {
    if (!(await sleepUnlessClosed(res, DEFAULT_SLOW_FIRST_TOKEN_MS))) return;
  } else if (failure !== undefined && isFailureName(failure)) {
    return renderFailure(res, failure, {
      host: "embed",
      endpoint: "embeddings",
      model,
      user: principal.user,
      balance: emu.accounts.balance(principal.user.username),
      drop: ctx.drop,
    });
  }

  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  if (
    !Array.isArray(inputs) ||
    inputs.length === 0 ||
    inputs.some((s) => typeof s !== "string" || s.trim().length === 0)
  ) {
    return sendDetail(
      res,
      400,
      "Invalid request: Invalid request: input must be a non-empty string or list of strings",
    );
  }
  const texts = inputs as string[];
  const base64 = body.encoding_format === "base64";
  const promptTokens = texts.reduce((sum, t) => sum + 2 + Math.ceil(t.length / 4), 0);
  sendJson(
    res,
    200,
    {
      object: "list",
      data: texts.map((text, index) => {
        const embed = emu.settings.denseEmbeddings ? denseEmbedText : embedText;
        const embedding = embed(text, emu.settings.embeddingDimensions);
        return { object: "embedding", embedding: base64 ? toBase64(embedding) : embedding, index };
      }),
      model: EMBEDDING_MODEL,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    { "X-Chutes-InvocationID": randomUUID(), "X-Chutes-RL-User": "60" },
  );
}
