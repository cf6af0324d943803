# Build stage: compile TypeScript and the native SQLite binding.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
COPY scripts ./scripts
COPY bin ./bin
RUN npm ci && npm prune --omit=dev

# Runtime stage: no compilers, runs as the unprivileged node user.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
COPY config ./config
USER node
EXPOSE 9464
ENTRYPOINT ["node", "bin/orgwatch.js"]
CMD ["run", "--config", "/etc/orgwatch/orgwatch.yaml"]
