# One image for every process; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NX_NO_CLOUD=true NX_DAEMON=false
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
COPY gateway ./gateway
COPY tools ./tools
COPY tsconfig.base.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
USER node
# Overridden per service in docker-compose.yml.
CMD ["node", "-r", "@swc-node/register", "gateway/src/main.ts"]
