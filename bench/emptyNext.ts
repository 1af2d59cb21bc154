// An empty Next app built with this project's Next, React and AI SDK: the floor the benchmarks
// compare the app with, in the same run. Its page `/` (one client component with a button) is the
// floor of a Next page, and `/chat` the floor of a chat page on this stack: the AI SDK's `useChat`
// in a chunk loaded after first paint, as the app loads its chat, with a message list and a
// composer (bench/lighthouse.ts). Its two routes are the floors of a chat route
// (bench/chat-overhead.ts, bench/stream-throughput.ts):
// - POST /api/pipe: forwards the OpenAI request body to the upstream and returns its stream as it
//   is: what Next's routing and a fetch cost, nothing parsed.
// - POST /api/sdk: streamText on @ai-sdk/openai-compatible, answered as a UI message stream
//   (`toUIMessageStreamResponse`), with no checks, no knowledge base and no stages of ours: what the
//   AI SDK adds on top of Next. Its chat model is made once per model id, the key sent per call.
// Built once in bench/out/empty-next (node_modules hard-linked from the project) and rebuilt when
// these sources change.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { assertPortFree, exitOf, stopWithThisProcess, terminateTree } from "./serverProcess.ts";

const ROUTE_HEADER = `export const runtime = "nodejs";
export const dynamic = "force-dynamic";
const upstream = () => process.env.UPSTREAM_URL ?? "";
const key = (request: Request) => request.headers.get("x-chutes-api-key") ?? "";
`;

const FILES: Record<string, string> = {
  "package.json": '{ "name": "empty-next", "private": true, "type": "module" }\n',
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      lib: ["dom", "esnext"],
      jsx: "react-jsx",
      module: "esnext",
      moduleResolution: "bundler",
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      isolatedModules: true,
    },
    include: ["app"],
  }),
  "app/layout.tsx": `export const metadata = { title: "Empty", description: "An empty Next app" };
export default function Layout({ children }: { children: React.ReactNode }) {
  return (<html lang="en"><body>{children}</body></html>);
}
`,
  "app/page.tsx": `"use client";
import { useState } from "react";
export default function Page() {
  const [count, setCount] = useState(0);
  return (<main><h1>Hello</h1><p>An empty Next app.</p>
    <button type="button" onClick={() => setCount(count + 1)}>Count {count}</button></main>);
}
`,
  "app/chat/page.tsx": `"use client";
import { lazy, Suspense } from "react";
const ChatBox = lazy(() => import("./ChatBox"));
export default function Page() {
  return (<main><h1>Chat</h1><Suspense fallback={<p>Loading</p>}><ChatBox /></Suspense></main>);
}
`,
  "app/chat/ChatBox.tsx": `"use client";
import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useState } from "react";
const transport = new DefaultChatTransport({ api: "/api/sdk", body: { model: "m" } });
export default function ChatBox() {
  const { messages, sendMessage, status } = useChat({ transport });
  const [text, setText] = useState("");
  return (<section>
    <ul>{messages.map((m) => (<li key={m.id}>{m.parts.map((p) => (p.type === "text" ? p.text : "")).join("")}</li>))}</ul>
    <form onSubmit={(e) => { e.preventDefault(); void sendMessage({ text }); setText(""); }}>
      <label>Message <textarea value={text} onChange={(e) => setText(e.target.value)} /></label>
      <button type="submit" disabled={status === "streaming"}>Send</button>
    </form>
  </section>);
}
`,
  "app/api/pipe/route.ts": `${ROUTE_HEADER}
export async function POST(request: Request) {
  const response = await fetch(\`\${upstream()}/chat/completions\`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: \`Bearer \${key(request)}\` },
    body: await request.text(),
    signal: request.signal,
  });
  return new Response(response.body, {
    status: response.status,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" },
  });
}
`,
  "app/api/sdk/route.ts": `import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { convertToModelMessages, streamText, type UIMessage } from "ai";
${ROUTE_HEADER}
// One model per model id, the key per call: a model made per request rebuilds its chunk schema.
const models = new Map<string, ReturnType<ReturnType<typeof createOpenAICompatible>["chatModel"]>>();
const modelFor = (id: string) => {
  let model = models.get(id);
  if (!model) {
    model = createOpenAICompatible({ name: "chutes", baseURL: upstream(), includeUsage: true }).chatModel(id);
    models.set(id, model);
  }
  return model;
};
export async function POST(request: Request) {
  const { model, messages } = (await request.json()) as { model: string; messages: UIMessage[] };
  const result = streamText({
    model: modelFor(model),
    headers: { authorization: \`Bearer \${key(request)}\` },
    messages: await convertToModelMessages(messages),
    abortSignal: request.signal,
    maxRetries: 0,
  });
  return result.toUIMessageStreamResponse({ headers: { "cache-control": "no-cache, no-transform" } });
}
`,
};

export interface EmptyNext {
  url: string;
  pid: number;
  stop: () => void;
}

/** Builds (when its sources changed) and starts the empty Next app; its routes forward to `upstreamUrl`. */
export async function startEmptyNext(port: number, upstreamUrl = ""): Promise<EmptyNext> {
  const dir = resolve("bench/out/empty-next");
  const files = {
    ...FILES,
    "next.config.mjs": `export default { turbopack: { root: ${JSON.stringify(dir)} } };\n`,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(resolve(dir, name, ".."), { recursive: true });
    writeFileSync(`${dir}/${name}`, text);
  }
  if (!existsSync(`${dir}/node_modules`))
    execFileSync("cp", ["-al", resolve("node_modules"), `${dir}/node_modules`]);
  const next = `${dir}/node_modules/next/dist/bin/next`;
  const env = { ...process.env, NEXT_DIST_DIR: "", NEXT_TELEMETRY_DISABLED: "1", UPSTREAM_URL: upstreamUrl };
  const sourceHash = createHash("sha256").update(JSON.stringify(files)).digest("hex");
  const stamp = `${dir}/.next/bench-sources`;
  const built =
    existsSync(`${dir}/.next/BUILD_ID`) && existsSync(stamp) && readFileSync(stamp, "utf8") === sourceHash;
  if (!built) {
    execFileSync(process.execPath, [next, "build"], { cwd: dir, stdio: "ignore", env });
    writeFileSync(stamp, sourceHash);
  }
  await assertPortFree(port);
  const child: ChildProcess = spawn(
    process.execPath,
    [next, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: dir,
      stdio: "ignore",
      env,
    },
  );
  const owned = stopWithThisProcess(child);
  // `next start` serves from a child process of its own: stopping the parent alone leaves it running.
  const stop = () => {
    owned.release();
    terminateTree(child.pid ?? 0);
  };
  let failed: Error | undefined;
  exitOf(child, "the empty Next app").catch((error: Error) => {
    failed = error;
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !failed; i++) {
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, pid: child.pid ?? 0, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw failed ?? new Error("the empty Next app did not start");
}
