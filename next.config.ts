import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships wasm and data files; keep it out of the bundle (see shared stack notes).
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-pgvector", "pg"],
  poweredByHeader: false,
  // Lets two builds (e.g. parallel browser-test runs) live side by side; the default is .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
