import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships wasm and data files; keep it out of the bundle (see shared stack notes).
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-pgvector"],
  poweredByHeader: false,
};

export default nextConfig;
