# The chat server (and the archiver, same image: `node apps/archiver/dist/index.js`): build in one stage, run the compiled JavaScript with
# production dependencies only, as the unprivileged `node` user.
# Node: the current LTS (24), pinned to a release; bump it deliberately.
# Build from the repository root:  docker build -f deploy/server.Dockerfile .

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
# Every workspace's package.json, so that the lock file matches and `npm ci` installs exactly it.
COPY packages/shared/package.json packages/shared/
COPY packages/testkit/package.json packages/testkit/
COPY apps/server/package.json apps/server/
COPY apps/archiver/package.json apps/archiver/
COPY apps/web/package.json apps/web/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund --workspace @chat/shared --workspace @chat/server --workspace @chat/archiver --include-workspace-root
COPY packages/shared packages/shared
COPY apps/server apps/server
COPY apps/archiver apps/archiver
RUN npm run build --workspace @chat/shared --workspace @chat/server --workspace @chat/archiver \
 && npm prune --omit=dev --workspace @chat/shared --workspace @chat/server --workspace @chat/archiver

FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/shared/package.json packages/shared/
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/archiver/package.json apps/archiver/
COPY --from=build /app/apps/archiver/dist apps/archiver/dist
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains gracefully (see docs/OPERATIONS.md); node runs as PID 1 with its own handlers.
STOPSIGNAL SIGTERM
CMD ["node", "apps/server/dist/index.js"]
