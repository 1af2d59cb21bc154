// @vitest-environment node
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseUnrepresentableMethods } from "./unrepresentableMethods.ts";

// TRACE never reaches Next (whose Request cannot carry it): the HTTP server answers it with the
// same JSON 405 as every other unsupported method, and every other request goes on as before.

let server: Server;
let port = 0;
beforeAll(async () => {
  refuseUnrepresentableMethods();
  server = createServer((_req, res) => res.end("reached the app"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (d) => {
      answer += d.toString();
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("refuseUnrepresentableMethods", () => {
  it("answers TRACE on an API route with a JSON 405 and the route's Allow", async () => {
    const answer = await raw("TRACE /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nallow: POST\r\n/i);
    expect(answer).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    expect(answer).toContain('{"error":{"code":"method_not_allowed"');
  });

  it("answers TRACE on a page with GET, HEAD allowed", async () => {
    const answer = await raw("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/\r\nallow: GET, HEAD\r\n/i);
  });

  it("lets every other method through to the app", async () => {
    const answer = await raw("GET /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain("reached the app");
  });
});
