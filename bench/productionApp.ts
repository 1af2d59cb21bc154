// The production build started for a benchmark: the emulator, then `next start` wired to it
// (Sign in with Chutes included), with its own data folder. `npm run build` must have run.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { emulatorAppEnv } from "../tests/emulator/appEnv.ts";
import { type EmulatorHandle, startEmulator } from "../tests/emulator/server.ts";

export interface ProductionApp {
  url: string;
  emulator: EmulatorHandle;
  stop(): Promise<void>;
}

export async function startProductionApp(port: number, dataDir: string): Promise<ProductionApp> {
  const url = `http://127.0.0.1:${port}`;
  const emulator = await startEmulator({ port: 0, tokenDelayMs: 0 });
  const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
  rmSync(dataDir, { recursive: true, force: true });
  const app = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...emulatorAppEnv(emulator.url, { appUrl: url }), DATA_DIR: dataDir },
    stdio: "ignore",
  });
  const stop = async () => {
    app.kill();
    await emulator.close();
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/`)).ok) return { url, emulator, stop };
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error("the app did not start (did you run npm run build?)");
}
