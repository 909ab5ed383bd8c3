# One image for every process: the gateway and each service run the same compiled workspace with the
# same production dependencies (one lock, one version of each package), so one build, one scan and one
# tag per release; docker-compose.yml and the Kubernetes manifests pick the entry point per process
# (`node services/<name>/dist/main.js`). Per-service images would save little: the dependencies, not
# our code, are the size, and every service needs nearly all of them.

# --- build: every dependency, then `npm run build` and the runtime layout (tools/build) ---------------
FROM node:20.20-bookworm-slim AS build
WORKDIR /src
ENV NX_NO_CLOUD=true NX_DAEMON=false
COPY . .
# Install scripts are not needed to compile (swc's native binary is an optional dependency); skipping
# them makes npm 10 here behave as npm 11 with the root package.json's allowScripts.
RUN npm ci --no-audit --no-fund --ignore-scripts
RUN npm run build && node tools/build/bin/runtime-layout.mjs /runtime

# --- runtime: production dependencies only, compiled JavaScript, no TypeScript ------------------------
FROM node:20.20-bookworm-slim AS runtime
WORKDIR /app
COPY --from=build /runtime ./
# NODE_ENV only now: set before the build stage's `npm ci` it would have dropped the dev dependencies
# the build needs. --omit=dev installs the workspace's own packages as links to the copied dist/.
# The only install scripts among production dependencies (protobufjs) print a version notice.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps
# Files stay root-owned: the process cannot rewrite its own code.
USER node
EXPOSE 4000
# /ready answers 200 once the database and NATS answer (services), or NATS (gateway).
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "gateway/dist/main.js"]
