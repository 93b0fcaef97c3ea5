# source-devin: the Airbyte image. Two stages: the build stage has the dev dependencies (TypeScript,
# esbuild), compiles src/ to dist/ and bundles the executables (dist/bundle/); the runtime stage has only
# the production dependencies, the compiled code, the stream schemas (read at run time) and package.json
# (the version is read from it at run time).
#
#   docker build -t source-devin/source-devin:dev .
#   docker run --rm source-devin/source-devin:dev spec
#
# The base is the official Node 20 image, pinned by tag. For byte-reproducible release builds, pin the
# digest as well (node:20-bookworm-slim@sha256:…).

FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` (a build, for installs from git) would run here, before
# src/ is copied; the build is the explicit step below. Compiling needs no install script of a dependency.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The build bundles each executable and warms its code cache up against the bundled simulator
# (scripts/bundle.mjs): the warm-up reads the stream schemas. Same Node image as the runtime stage, so
# V8 accepts the cache there.
COPY scripts/bundle.mjs scripts/warm-bundle.mjs ./scripts/
COPY schemas ./schemas
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /airbyte/integration_code
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts run (none of them needs one, and `prepare` would try
# to compile with a TypeScript that is not installed here).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist ./dist
COPY schemas ./schemas
COPY LICENSE ./
# The files stay owned by root and read-only for the process; it writes nothing but stdout and stderr.
USER node
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/cli/source-devin.cjs"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/cli/source-devin.cjs"]
LABEL io.airbyte.name="source-devin/source-devin"
LABEL io.airbyte.version="0.1.0"
