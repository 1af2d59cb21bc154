// Two processes share one Sign in with Chutes session through PostgreSQL (DATABASE_URL): 20
// requests at expiry, 10 in each process, must make exactly one refresh call to the IDP, and every
// request must get the rotated access token. EMULATOR is the running emulator's URL.
import { spawn } from "node:child_process";
import { OAUTH_CLIENT } from "../../tests/emulator/fixtures.ts";
import { signIn } from "../../tests/emulator/testkit.ts";

const emulator = process.env.EMULATOR ?? "";
const tokens = await signIn(emulator);
// Refresh calls the IDP received (accepted or refused): token requests after the sign-in.
const tokenCalls = async () =>
  ((await (await fetch(`${emulator}/_emulator/requests?path=/idp/token`)).json()) as unknown[]).length;
const before = await tokenCalls();
const env = {
  ...process.env,
  CHUTES_IDP_URL: emulator,
  CHUTES_CLIENT_ID: OAUTH_CLIENT.clientId,
  CHUTES_CLIENT_SECRET: OAUTH_CLIENT.clientSecret,
  NEXTAUTH_SECRET: "deploy-check-secret-0123456789abcdef0123456789",
  REFRESH_TOKEN: tokens.refresh_token,
  REQUESTS: "10",
  START_AT: String(Date.now() + 1500),
  LOG_LEVEL: "warn",
};
const run = () =>
  new Promise<string[]>((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", ".ci/deploy/refresh-worker.ts"], {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "[]"))
        : reject(new Error(`worker exited ${code}`)),
    );
  });
const [a, b] = await Promise.all([run(), run()]);
const refreshCalls = (await tokenCalls()) - before;
const all = [...a, ...b];
const distinct = new Set(all);
let failed = 0;
const check = (ok: boolean, what: string) => {
  console.info(`${ok ? "ok" : "FAIL"} ${what}`);
  if (!ok) failed++;
};
check(
  refreshCalls === 1,
  `20 requests over 2 processes made ${refreshCalls} refresh call(s) to the IDP (want 1)`,
);
check(
  all.length === 20 && distinct.size === 1 && !distinct.has("none"),
  `all 20 got the same rotated token (${[...distinct].join(",")})`,
);
process.exit(failed ? 1 : 0);
