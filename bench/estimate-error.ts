// How far the composer's prompt-token estimate is from the usage the model reports, on the
// emulator's answers: multi-turn conversations with the docs/ knowledge base, the estimate made
// before each question exactly as the browser makes it (previous sources block size, history
// within the route's budget), the prompt built as the route builds it. Run: npm run bench:estimate
// (the emulator counts prompt tokens as ~4 characters per token; real models use their own
// tokenizers, so this measures the method, not any one model's tokenizer).
import { rmSync } from "node:fs";
import { convertToModelMessages, streamText } from "ai";
import { HISTORY_TOKEN_BUDGET } from "../src/lib/api/chat.ts";
import { estimateTurn, knowledgeEstimate, systemPromptText } from "../src/lib/chat/estimate.ts";
import { fitHistory } from "../src/lib/chat/historyBudget.ts";
import { knowledgeFor } from "../src/lib/chat/knowledge.ts";
import { type ChatMessage, messageText, withoutReasoning } from "../src/lib/chat/messages.ts";
import { listChutesModels } from "../src/lib/chutes/models.ts";
import { chatModelFor } from "../src/lib/chutes/provider.ts";
import { getConfig, resetConfigForTests } from "../src/lib/config.ts";
import { runIngest } from "../src/lib/rag/ingest.ts";
import { countTokens } from "../src/lib/rag/tokens.ts";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { startEmulator } from "../tests/emulator/server.ts";

const emulator = await startEmulator({ port: 0, tokenDelayMs: 0 });
const DATA_DIR = "bench/out/estimate-kb";
rmSync(DATA_DIR, { recursive: true, force: true });
Object.assign(process.env, {
  CHUTES_API_URL: emulator.url,
  CHUTES_LLM_URL: `${emulator.url}/llm/v1`,
  CHUTES_EMBEDDINGS_URL: `${emulator.url}/embed/v1`,
  DATA_DIR,
  CHUTES_API_KEY: ADMIN_KEY,
});
resetConfigForTests();
const config = getConfig();
await runIngest({ paths: ["docs"] }, config);

const credential = { kind: "api-key", provider: "chutes", token: ADMIN_KEY } as const;
const catalog = await listChutesModels(credential, config);
if (!catalog.ok) throw new Error("model list failed");

const MODELS = ["deepseek-ai/DeepSeek-V3.2-TEE", "deepseek-ai/DeepSeek-R1-0528-TEE", "zai-org/GLM-4.5-Air"];
const CONVERSATIONS = [
  [
    "Which embedding model does the knowledge base use?",
    "How are documents split into chunks?",
    "And how many dimensions?",
  ],
  ["How do I sign in with Chutes?", "What happens when the token expires?", "Can I use an API key instead?"],
  [
    "What does the emulator do?",
    "Which failures can it inject?",
    "Please give me a long answer about rate limits",
  ],
  ["Where are conversations stored?", "Can I export them?", "How do I delete everything?"],
  ["What is a TEE model?", "Why is the sky blue?", "Summarise our conversation so far."],
];
const SYSTEM_PROMPTS = [undefined, "Answer in short bullet points and mention the source numbers."];

type Sample = {
  model: string;
  turn: number;
  estimate: number;
  actual: number;
  knowledgeGuess: number;
  knowledgeReal: number;
};
const samples: Sample[] = [];
// As the browser keeps it: the last sources block seen in any conversation.
let recentKnowledge: number | undefined;

for (const modelId of MODELS) {
  const info = catalog.models.find((m) => m.id === modelId) ?? null;
  for (const [c, questions] of CONVERSATIONS.entries()) {
    const systemPrompt = SYSTEM_PROMPTS[c % SYSTEM_PROMPTS.length];
    const history: ChatMessage[] = [];
    for (const [turn, question] of questions.entries()) {
      const knowledgeGuess = knowledgeEstimate(history, true, recentKnowledge);
      const estimate = estimateTurn({
        systemPrompt,
        knowledgeTokens: knowledgeGuess,
        history,
        message: question,
        model: info,
        countTokens,
      });

      // As the route does it.
      const asked: ChatMessage = { id: `u${turn}`, role: "user", parts: [{ type: "text", text: question }] };
      const fitted = fitHistory([...history, asked], HISTORY_TOKEN_BUDGET, (m) =>
        countTokens(messageText(m)),
      );
      const knowledge = await knowledgeFor(question, credential);
      const own = systemPromptText(systemPrompt);
      const result = streamText({
        model: chatModelFor(credential, modelId, config),
        system: knowledge.prompt ? `${own}\n\n${knowledge.prompt}` : own,
        messages: await convertToModelMessages(withoutReasoning(fitted)),
        maxRetries: 0,
      });
      const text = await result.text;
      const reasoning = await result.reasoningText;
      const usage = await result.totalUsage;
      // As the route reports it in the answer's metadata.
      const knowledgeReal = knowledge.promptTokens;
      recentKnowledge = knowledgeReal;
      samples.push({
        model: modelId,
        turn,
        estimate: estimate.promptTokens,
        actual: usage.inputTokens ?? 0,
        knowledgeGuess,
        knowledgeReal,
      });
      history.push(asked, {
        id: `a${turn}`,
        role: "assistant",
        parts: [
          ...(reasoning ? [{ type: "reasoning" as const, text: reasoning }] : []),
          { type: "text", text },
        ],
        metadata: { knowledgeTokens: knowledgeReal },
      });
    }
  }
}
await emulator.close();

const out: string[] = [];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const report = (label: string, list: Sample[]) => {
  const errors = list.map((s) => s.estimate - s.actual);
  const abs = errors.map(Math.abs);
  const rel = list.map((s) => Math.abs(s.estimate - s.actual) / s.actual);
  const worst = errors.reduce((w, e) => (Math.abs(e) > Math.abs(w) ? e : w), 0);
  out.push(
    `| ${label} | ${list.length} | ${median(list.map((s) => s.actual))} | ${median(abs)} | ${worst > 0 ? "+" : ""}${worst} | ${(median(rel) * 100).toFixed(1)}% |`,
  );
};
out.push(
  "| turns | samples | median prompt tokens | median abs error (tokens) | worst error (tokens) | median rel. error |",
);
out.push("| --- | ---: | ---: | ---: | ---: | ---: |");
report("all", samples);
report(
  "first turns (sources from the last conversation; the very first at the full budget)",
  samples.filter((s) => s.turn === 0),
);
report(
  "later turns (sources from the previous answer)",
  samples.filter((s) => s.turn > 0),
);
const kbErr = samples.map((s) => Math.abs(s.knowledgeGuess - s.knowledgeReal));
out.push(`\nsources block alone: median abs error ${median(kbErr)} tokens, worst ${Math.max(...kbErr)}`);
const tokErr = samples.map((s) => Math.abs(s.estimate - s.knowledgeGuess + s.knowledgeReal - s.actual));
out.push(
  `with the real sources size (tokenizer and overhead only): median ${median(tokErr)}, worst ${Math.max(...tokErr)}`,
);
process.stdout.write(`${out.join("\n")}\n`);
