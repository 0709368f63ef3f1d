# One image for ingest, query-api, jobs and the one-shot setup; docker-compose.yml picks the
# entry point. Build stage compiles TypeScript; the runtime stage has production deps only.
# Node 24 is the active LTS line (Node 20 reached end of life in April 2026); the code runs on
# 20.11+ as package.json says, and CI runs it on the machine's Node.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
# Compiles and copies the run-time files (index template, saved objects, UI assets) beside.
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
