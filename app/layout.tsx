import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { THEME_SCRIPT } from "@/src/components/theme/theme.ts";
import { ZodJitless } from "./ZodJitless.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: "chutes-chat",
  description: "Answers from your knowledge base, billed to your own Chutes account.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // proxy.ts puts this request's CSP nonce here; reading headers also makes every page dynamic,
  // which a per-request nonce needs.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // The theme script sets the `dark` class before React hydrates, so the server's markup differs.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input; it must run before the first paint to avoid a theme flash. */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <ZodJitless />
        {children}
      </body>
    </html>
  );
}
