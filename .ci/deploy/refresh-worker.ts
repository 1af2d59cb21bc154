// One "app instance" for the two-process refresh check: runs the app's refresh path
// (ensureFreshChutesTokens) for REQUESTS concurrent requests whose access token has expired, all
// at START_AT, and prints what each got (hashed) as one JSON line.
import { createHash } from "node:crypto";
import { ensureFreshChutesTokens } from "../../src/lib/auth/oauthSession.ts";
import { getConfig } from "../../src/lib/config.ts";
import { closeSharedState } from "../../src/lib/server/sharedState.ts";

const config = getConfig();
const refreshToken = process.env.REFRESH_TOKEN ?? "";
const requests = Number(process.env.REQUESTS ?? 10);
const startAt = Number(process.env.START_AT ?? Date.now());
const jwt = {
  chutes: {
    accessToken: "expired",
    refreshToken,
    expiresAt: Date.now() - 1000,
    username: "alice",
    userId: "u1",
  },
};
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const results = await Promise.all(
  Array.from({ length: requests }, async () => {
    const { jwt: fresh } = await ensureFreshChutesTokens(jwt, config);
    const token = fresh.chutes?.accessToken;
    return token && token !== "expired"
      ? createHash("sha256").update(token).digest("hex").slice(0, 12)
      : "none";
  }),
);
await closeSharedState();
console.info(JSON.stringify(results));
