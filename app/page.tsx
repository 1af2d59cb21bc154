import type { Metadata, Viewport } from "next";
import { cookies, headers } from "next/headers";
import { NextRequest } from "next/server";
import { ChatApp } from "@/src/components/shell/ChatApp.tsx";
import {
  type ConnectionHint,
  type FirstScreen,
  HINT_COOKIE,
  parseConnectionHint,
} from "@/src/components/shell/connectionHint.ts";
import { THEME_COLORS } from "@/src/components/theme/theme.ts";
import { readSessionJwt } from "@/src/lib/auth/sessionCookie.ts";
import { type AppConfig, getConfig } from "@/src/lib/config.ts";

// Read at request time: the default model and OAuth settings are runtime settings, and the first
// screen depends on this browser's cookies.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icons/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/icons/apple-touch-icon.png",
  },
};

// The browser's bar follows the page: white in light mode, the dark theme's background in dark.
export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: THEME_COLORS.light },
    { media: "(prefers-color-scheme: dark)", color: THEME_COLORS.dark },
  ],
};

/** Chat for a browser with a saved key (hint cookie) or a live Sign in with Chutes session. */
async function firstScreen(config: AppConfig, hint: ConnectionHint | null): Promise<FirstScreen> {
  if (hint) return "chat";
  if (!config.CHUTES_CLIENT_ID) return "setup";
  // Decodes the session cookie only: no refresh here, since a page cannot write the rotated cookie.
  const request = new NextRequest("http://localhost/", { headers: await headers() });
  const jwt = await readSessionJwt(request, config).catch(() => null);
  return jwt?.chutes && !jwt.chutesError ? "chat" : "setup";
}

export default async function Home() {
  const config = getConfig();
  const hint = parseConnectionHint((await cookies()).get(HINT_COOKIE)?.value);
  return (
    <ChatApp
      defaultModel={config.CHUTES_DEFAULT_MODEL}
      oauthEnabled={Boolean(config.CHUTES_CLIENT_ID)}
      firstScreen={await firstScreen(config, hint)}
      hint={hint}
    />
  );
}
