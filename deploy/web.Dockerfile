# The web app: Next.js built once, served by `next start` as the unprivileged
# `node` user. CHAT_SERVER_URL (read per request) says where the browser finds
# the chat server; empty means the page's own origin (behind the same nginx).
# Node: the current LTS (24), pinned to a release; bump it deliberately.
# Build from the repository root:  docker build -f deploy/web.Dockerfile .

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
RUN npm ci --no-audit --no-fund --workspace @chat/shared --workspace @chat/web --include-workspace-root
COPY packages/shared packages/shared
COPY apps/web apps/web
RUN npm run build --workspace @chat/shared --workspace @chat/web \
 && npm prune --omit=dev --workspace @chat/shared --workspace @chat/web

FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/shared/package.json packages/shared/
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/apps/web/package.json /app/apps/web/next.config.ts apps/web/
COPY --from=build /app/apps/web/.next apps/web/.next
USER node
EXPOSE 3000
WORKDIR /app/apps/web
CMD ["node", "/app/node_modules/next/dist/bin/next", "start", "--port", "3000"]
