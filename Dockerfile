# syntax=docker/dockerfile:1
# orgwatch container. test/integration/container-runtime.test.ts reproduces the runtime stage on
# the host (production install, unprivileged user, read-only config, this environment) and
# test/unit/dockerfile.test.ts checks that this file still says what that test assumed.

# Node 24 is the active LTS (supported until April 2028); better-sqlite3 12 builds for it. The
# build and runtime stages must share the major version: the SQLite binding is compiled for it.
ARG NODE_IMAGE=node:24-bookworm-slim

# Dependencies first: this layer is rebuilt only when the lockfile changes, not on a source edit.
# --ignore-scripts because `prepare` would compile sources that are not copied yet; the native
# SQLite binding is then built on its own.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3

# Compile the TypeScript.
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY jobs ./jobs
COPY scripts ./scripts
RUN npm run build

# Production dependencies only (the compiled binding stays).
FROM deps AS prod-deps
RUN npm prune --omit=dev

# Runtime: no compilers, no npm cache, an unprivileged user, a volume for the history.
FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="orgwatch" \
      org.opencontainers.image.description="Auth-health monitor for Salesforce JWT Bearer integrations" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.base.name="docker.io/library/${NODE_IMAGE}"
# tini as PID 1: it forwards SIGTERM to node (which stops cleanly on it) and, unlike node as PID
# 1, leaves the kernel's default action in place, so a second `docker stop` signal still ends a
# shutdown that hangs; it also reaps zombies. Debian's package, so no download at build time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/orgwatch /var/lib/orgwatch \
 && chown node:node /var/lib/orgwatch
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY package.json ./
COPY config ./config
# `orgwatch` on PATH, so an alert's command runs as written: docker exec <c> orgwatch check --org X
RUN ln -s /app/bin/orgwatch.js /usr/local/bin/orgwatch
# The config is mounted read-only at ORGWATCH_CONFIG; a relative storage.sqlite (the default
# ./data/orgwatch.db) lands under ORGWATCH_DATA_DIR, the volume, not beside the config.
# A heap cap: V8 otherwise lets garbage (each 100,000-org scrape writes ~50 MB of text) grow the
# heap toward a quarter of the host's memory. At 100,000 orgs the live heap fits well inside it
# (npm run bench -- soak: RSS ~0.5 GB capped, ~1.1 GB and rising uncapped). Raise it for more.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=768 \
    ORGWATCH_CONFIG=/etc/orgwatch/orgwatch.yaml \
    ORGWATCH_DATA_DIR=/var/lib/orgwatch \
    ORGWATCH_LISTEN=0.0.0.0:9464
VOLUME ["/var/lib/orgwatch"]
USER node
EXPOSE 9464
# No curl in the image: node's fetch asks /healthz on the port ORGWATCH_LISTEN names.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const p=(process.env.ORGWATCH_LISTEN||'').split(':').pop()||'9464';fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/orgwatch.js"]
CMD ["run"]
