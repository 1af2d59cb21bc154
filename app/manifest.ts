import type { MetadataRoute } from "next";
import { THEME_COLORS } from "@/src/components/theme/theme.ts";

// The web app manifest (served at /manifest.webmanifest and linked from every page by Next), so
// the app can be installed. The page's theme-color meta tags carry the light and dark colours;
// the manifest has room for one, the light one. No service worker: answers are never cached.

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "chutes-chat",
    short_name: "chutes-chat",
    description: "Answers from your knowledge base, billed to your own Chutes account.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: THEME_COLORS.light,
    theme_color: THEME_COLORS.light,
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
      { src: "/icons/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
    ],
  };
}
