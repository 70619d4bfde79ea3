# ClearView collector image: Node 24, a non-root user, the database on a volume.
# Build: docker build -t clearview .   Run: docker run -p 3000:3000 -v clearview-data:/data clearview
# test/deploy/image-layout.test.ts builds the runtime stage's layout from a checkout and starts it.

# Stage 1: install with the toolchain better-sqlite3 needs when no prebuilt binary can be fetched,
# build the tracker and the collector, then drop the development dependencies.
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm prune --omit=dev --ignore-scripts

# Stage 2: only what runs. No compiler, no sources, no development dependencies.
FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 CLEARVIEW_DB=/data/clearview.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/collector/package.json ./packages/collector/package.json
COPY --from=build /app/packages/collector/bin ./packages/collector/bin
COPY --from=build /app/packages/collector/dist ./packages/collector/dist
COPY --from=build /app/packages/collector/data ./packages/collector/data
COPY --from=build /app/packages/collector/migrations ./packages/collector/migrations
COPY --from=build /app/packages/collector/scripts ./packages/collector/scripts
COPY --from=build /app/packages/tracker/package.json ./packages/tracker/package.json
COPY --from=build /app/packages/tracker/dist ./packages/tracker/dist
COPY --from=build /app/LICENSE ./LICENSE
# The image's own user (uid 1000, from the node image) owns only the data volume.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The semi-space flag of package.json's start script (README: memory); the CLI is `docker exec ... npx clearview`.
CMD ["node", "--max-semi-space-size=2", "packages/collector/dist/main.js"]
