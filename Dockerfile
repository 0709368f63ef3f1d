# One image for ingest, query-api, jobs and the one-shot setup; docker-compose.yml picks the
# entry point. Build stage compiles TypeScript; the runtime stage has production deps only.
# Node 24 is the active LTS line (Node 20 reached end of life in April 2026); the code runs on
# 20.11+ as package.json says, and CI runs it on the machine's Node.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build \
 && mkdir -p dist/core/src/es \
 && cp -r core/src/es/templates dist/core/src/es/ \
 && if [ -d dashboards/saved-objects ]; then mkdir -p dist/dashboards && cp -r dashboards/saved-objects dist/dashboards/; fi \
 && if [ -d query-api/src/ui/assets ]; then mkdir -p dist/query-api/src/ui && cp -r query-api/src/ui/assets dist/query-api/src/ui/; fi

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
