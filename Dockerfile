# syntax=docker/dockerfile:1
#
# brokerage-crm API image.
#
#   docker build -t brokerage-crm .
#   docker run -p 3000:3000 -e DATABASE_URL=postgresql://… -e MIGRATE_ON_BOOT=true \
#     -e SUPABASE_URL=https://<ref>.supabase.co -e LOCAL_AUTH_ENABLED=false brokerage-crm
#
# NODE_ENV is production, so the app refuses to start without JWT settings
# (see .env.example). Without DATABASE_URL it serves the embedded database in
# /app/.data, which is lost with the container unless you mount a volume there.

ARG NODE_IMAGE=node:22-bookworm-slim

###############################################################################
# build: install everything, generate the Prisma client, compile, then prune
###############################################################################
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# npm ci runs the postinstall (scripts/prisma-generate.mjs), which needs the
# prisma dev dependency, the schema and prisma.config.ts. The client is
# generated into src/generated/prisma. .npmrc* copies the project's npm
# settings if it has any (the glob may match nothing).
COPY package.json package-lock.json .npmrc* prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci

# Sources are copied after npm ci so that code changes keep the dependency layer
# cached; .dockerignore keeps the host's src/generated out, so the client
# generated above is the one compiled.
COPY .swcrc ./
COPY src ./src
RUN npm run build

# Drop dev dependencies. --ignore-scripts: the postinstall would need prisma,
# which is a dev dependency and is gone by then.
RUN npm prune --omit=dev --ignore-scripts

###############################################################################
# runtime: production dependencies, compiled code and migrations, as `node`
###############################################################################
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# package.json carries "type": "module", which the compiled ESM in dist needs.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The migration runner reads ../../prisma/migrations relative to dist/database.
COPY --from=build /app/prisma/migrations ./prisma/migrations

# Code stays root-owned and read-only to the app; only DATA_DIR is writable.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node

EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# A bounded heap keeps RSS under 300 MB under load (docs/performance.md).
CMD ["node", "--max-old-space-size=256", "dist/main.js"]
