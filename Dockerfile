# chutes-chat container: build the standalone server, then ship only what it runs.
# .ci/deploy-check repeats these steps without Docker (same build, same copies, same start
# command); change both together. Each step below is tagged with its step there: [step N].

# --- build --------------------------------------------------------------------------------------
FROM node:24-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# [step 1] The committed lockfile, exactly.
RUN npm ci --no-audit --no-fund
COPY . .
# [step 2] `output: "standalone"` (next.config.ts) writes .next/standalone.
RUN npm run build

# --- run ----------------------------------------------------------------------------------------
FROM node:24-slim AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0 DATA_DIR=/data
# [step 3] The standalone server with its traced node_modules (PGlite's wasm/data files and pg
# included) and the static assets beside it. (There is no public/ folder; copy it too if one appears.)
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
# The ingest command runs in this image too (compose's `ingest` service): it needs the sources
# and the full node_modules, so it uses the build stage instead (see compose.yaml).
# [step 4] Non-root; the embedded store (when DATABASE_URL is unset) lives on a volume.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# [step 6] Liveness: /api/health (readiness, for a load balancer, is /api/ready).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# [step 5] Settings come from the environment (compose: .env); SIGTERM drains open streams for
# SHUTDOWN_GRACE_MS (compose's stop_grace_period must be longer).
CMD ["node", "server.js"]
