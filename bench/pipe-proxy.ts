// The least any server between the browser and Chutes can cost: a bare Node HTTP server that
// forwards the request with fetch (as the app does) and writes the upstream's bytes back as they
// come, with no parsing. bench/stream-throughput.ts runs it in a process of its own as the "pipe"
// side, so the app's figures can be read against what a pass-through costs on the same cores.
//   node bench/pipe-proxy.ts <upstream base URL>   prints {"url": ...} once listening
import { createServer } from "node:http";

const upstream = process.argv[2] ?? "";
const server = createServer(async (request, response) => {
  const body: Buffer[] = [];
  for await (const part of request) body.push(part as Buffer);
  const answer = await fetch(`${upstream}${request.url}`, {
    method: request.method,
    headers: {
      "content-type": request.headers["content-type"] ?? "application/json",
      authorization: request.headers.authorization ?? "",
    },
    body: Buffer.concat(body),
  });
  response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
  if (answer.body) for await (const chunk of answer.body) response.write(chunk);
  response.end();
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  console.info(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
