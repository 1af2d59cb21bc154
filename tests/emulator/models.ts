// The model catalogue served by GET /llm/v1/models (protocol §3.2) and model-name resolution for
// chat requests (§3.1: routing-hint suffixes and comma-separated failover lists).

const TAO_USD = 350; // fixed exchange rate so the `tao` prices are stable
const CREATED = 1_767_225_600; // 2026-01-01T00:00:00Z

/**
 * How a reasoning model's thinking reaches the client (protocol notes §8): a `reasoning_content`
 * delta (SGLang, older vLLM), a `reasoning` delta (vLLM >= 0.11), inline `<think>` tags in the
 * content (no reasoning parser; the tags split across chunks), or a `<think>` that never closes
 * (the model thinks until its length limit).
 */
export type ReasoningStyle = "reasoning_content" | "reasoning" | "think_tags" | "think_unclosed";

const SAMPLING_FULL = [
  "temperature",
  "top_p",
  "top_k",
  "frequency_penalty",
  "presence_penalty",
  "repetition_penalty",
  "stop",
  "seed",
  "max_tokens",
];
// Thinking models that fix their own sampling but take an effort level.
const SAMPLING_REASONING = ["max_tokens", "reasoning_effort", "stop", "seed"];

type ModelSpec = {
  id: string;
  chuteId: string;
  engine: "vllm" | "sglang";
  contextLength: number;
  maxOutputLength: number;
  quantization: string;
  inputModalities: string[];
  features: string[];
  /** USD per 1M tokens. */
  prompt: number;
  completion: number;
  cacheRead: number;
  tee: boolean;
  premium: boolean;
  reasoning?: ReasoningStyle;
  sampling?: readonly string[];
};

// Fixed order: the real list is sorted by invocation count, here it is simply stable.
const SPECS: readonly ModelSpec[] = [
  {
    id: "deepseek-ai/DeepSeek-V3.2-TEE",
    chuteId: "c0a8f1d2-3b4e-4f56-8a7b-9c0d1e2f3a4b",
    engine: "sglang",
    contextLength: 163840,
    maxOutputLength: 65536,
    quantization: "fp8",
    inputModalities: ["text"],
    features: ["tools", "json_mode", "structured_outputs", "reasoning"],
    prompt: 0.25,
    completion: 0.38,
    cacheRead: 0.125,
    tee: true,
    premium: false,
  },
  {
    id: "Qwen/Qwen3-32B",
    chuteId: "d1b9e2f3-4c5d-4a67-9b8c-0d1e2f3a4b5c",
    engine: "vllm",
    contextLength: 40960,
    maxOutputLength: 40960,
    quantization: "bf16",
    inputModalities: ["text"],
    features: ["tools", "json_mode", "structured_outputs", "reasoning"],
    prompt: 0.05,
    completion: 0.2,
    cacheRead: 0.025,
    tee: false,
    premium: false,
  },
  {
    id: "moonshotai/Kimi-K2-Instruct",
    chuteId: "e2c0f3a4-5d6e-4b78-8c9d-1e2f3a4b5c6d",
    engine: "vllm",
    contextLength: 131072,
    maxOutputLength: 131072,
    quantization: "fp8",
    inputModalities: ["text"],
    features: ["tools", "json_mode", "structured_outputs"],
    prompt: 0.39,
    completion: 1.9,
    cacheRead: 0.195,
    tee: false,
    premium: true,
  },
  {
    id: "zai-org/GLM-4.6-TEE",
    chuteId: "f3d1a4b5-6e7f-4c89-9d0e-2f3a4b5c6d7e",
    engine: "sglang",
    contextLength: 202752,
    maxOutputLength: 65536,
    quantization: "fp8",
    inputModalities: ["text"],
    features: ["tools", "json_mode", "structured_outputs", "reasoning"],
    prompt: 0.4,
    completion: 1.75,
    cacheRead: 0.2,
    tee: true,
    premium: false,
  },
  {
    id: "unsloth/gemma-3-12b-it",
    chuteId: "a4e2b5c6-7f80-4d9a-8e1f-3a4b5c6d7e8f",
    engine: "vllm",
    contextLength: 131072,
    maxOutputLength: 8192,
    quantization: "bf16",
    inputModalities: ["text", "image"],
    features: ["json_mode", "structured_outputs"],
    prompt: 0.03,
    completion: 0.1,
    cacheRead: 0.015,
    tee: false,
    premium: false,
  },
  {
    id: "deepseek-ai/DeepSeek-R1-0528-TEE",
    chuteId: "b5f3c6d7-8091-4eab-9f20-4b5c6d7e8f90",
    engine: "sglang",
    contextLength: 163840,
    maxOutputLength: 65536,
    quantization: "fp8",
    inputModalities: ["text"],
    features: ["tools", "json_mode", "reasoning"],
    prompt: 0.4,
    completion: 1.75,
    cacheRead: 0.2,
    tee: true,
    premium: false,
    reasoning: "reasoning_content",
  },
  {
    id: "Qwen/Qwen3-235B-A22B-Thinking-2507",
    chuteId: "c6a4d7e8-91a2-4fbc-8a31-5c6d7e8f9001",
    engine: "vllm",
    contextLength: 262144,
    maxOutputLength: 262144,
    quantization: "fp8",
    inputModalities: ["text"],
    features: ["tools", "json_mode", "structured_outputs", "reasoning"],
    prompt: 0.11,
    completion: 0.6,
    cacheRead: 0.055,
    tee: false,
    premium: false,
    reasoning: "reasoning",
    sampling: SAMPLING_REASONING,
  },
  {
    id: "zai-org/GLM-4.5-Air",
    chuteId: "d7b5e8f9-a2b3-40cd-9b42-6d7e8f900112",
    engine: "vllm",
    contextLength: 131072,
    maxOutputLength: 98304,
    quantization: "bf16",
    inputModalities: ["text"],
    features: ["tools", "json_mode", "reasoning"],
    prompt: 0.05,
    completion: 0.22,
    cacheRead: 0.025,
    tee: false,
    premium: false,
    reasoning: "think_tags",
  },
  {
    id: "tngtech/DeepSeek-TNG-R1T2-Chimera",
    chuteId: "e8c6f9a0-b3c4-41de-8c53-7e8f90011223",
    engine: "vllm",
    contextLength: 163840,
    maxOutputLength: 163840,
    quantization: "fp8",
    inputModalities: ["text"],
    features: ["reasoning"],
    prompt: 0.3,
    completion: 1.2,
    cacheRead: 0.15,
    tee: false,
    premium: false,
    reasoning: "think_unclosed",
  },
];

/** chute_id used in messages about models that are not in the catalogue (e.g. emulator/<failure>). */
const EMULATOR_CHUTE_ID = "0e0e0e0e-1111-4222-8333-444455556666";

const usdTao = (usd: number) => ({ usd, tao: Math.round((usd / TAO_USD) * 1e9) / 1e9 });

function toModelObject(spec: ModelSpec) {
  return {
    id: spec.id,
    object: "model",
    created: CREATED,
    owned_by: spec.engine,
    root: spec.id,
    parent: null,
    max_model_len: spec.contextLength,
    permission: [
      {
        id: `modelperm-${spec.chuteId.replaceAll("-", "")}`,
        object: "model_permission",
        created: CREATED,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: "*",
        group: null,
        is_blocking: false,
      },
    ],
    chute_id: spec.chuteId,
    price: {
      input: usdTao(spec.prompt),
      output: usdTao(spec.completion),
      input_cache_read: usdTao(spec.cacheRead),
    },
    pricing: { prompt: spec.prompt, completion: spec.completion, input_cache_read: spec.cacheRead },
    confidential_compute: spec.tee,
    premium: spec.premium,
    context_length: spec.contextLength,
    max_output_length: spec.maxOutputLength,
    quantization: spec.quantization,
    input_modalities: [...spec.inputModalities],
    output_modalities: ["text"],
    supported_features: [...spec.features],
    supported_sampling_parameters: [...(spec.sampling ?? SAMPLING_FULL)],
  };
}

export type ModelObject = ReturnType<typeof toModelObject>;

export function listModels(): { object: "list"; data: ModelObject[] } {
  return { object: "list", data: SPECS.map(toModelObject) };
}

/** USD per 1M tokens, for billing answers; none for the test-only emulator/<failure> ids. */
export function priceOf(
  model: string,
): { prompt: number; completion: number; cacheRead: number } | undefined {
  const spec = SPECS.find((s) => s.id === model);
  return spec && { prompt: spec.prompt, completion: spec.completion, cacheRead: spec.cacheRead };
}

/** How the model streams its thinking, if it thinks on every request. */
export function reasoningStyleOf(model: string): ReasoningStyle | undefined {
  return SPECS.find((s) => s.id === model)?.reasoning;
}

/** Whether the model's engine takes image parts (its catalogue entry lists the `image` modality). */
export function acceptsImages(model: string): boolean {
  return SPECS.find((s) => s.id === model)?.inputModalities.includes("image") ?? false;
}

export function chuteIdFor(model: string): string {
  return SPECS.find((s) => s.id === model)?.chuteId ?? EMULATOR_CHUTE_ID;
}

export type ResolvedModel =
  | { kind: "model"; id: string }
  | { kind: "failure"; name: string }
  | { kind: "unknown" };

/**
 * Resolves a chat `model` field: strips `:latency`/`:throughput`/`:THINKING` hints, takes the first
 * known entry of a comma-separated list, and recognises the test-only `emulator/<failure>` ids.
 */
export function resolveChatModel(requested: string): ResolvedModel {
  for (const candidate of requested.split(",")) {
    const name = candidate.trim().replace(/:(latency|throughput|THINKING)$/i, "");
    if (name.startsWith("emulator/")) return { kind: "failure", name: name.slice("emulator/".length) };
    if (SPECS.some((s) => s.id === name)) return { kind: "model", id: name };
  }
  return { kind: "unknown" };
}
