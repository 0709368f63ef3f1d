/**
 * How each service runs where a user runs it (`npm start`, `npm run <service>`, the Docker
 * image, the benchmarks): compiled JavaScript under `dist/` (`npm run build`), by plain node,
 * with these node flags. docker-compose.yml and package.json repeat them;
 * test/unit/compose/compose.test.ts and test/unit/services.test.ts fail when they drift apart.
 */
export const SERVICES = {
  ingest: {
    source: 'ingest/src/main.ts',
    compiled: 'dist/ingest/src/main.js',
    /**
     * V8 grows its heap freely while a backlog streams through; capped, it collects sooner and
     * ingest stays under 256 MB of RSS at full throughput (BENCHMARKS.md, issue 16). Fetched
     * record buffers live outside this heap; their bound is the fetch sizes and the delivery
     * queues (INGEST_FETCH_MAX_BYTES*).
     */
    nodeFlags: ['--max-old-space-size=128'],
  },
  'query-api': {
    source: 'query-api/src/server.ts',
    compiled: 'dist/query-api/src/server.js',
    nodeFlags: [],
  },
  jobs: {
    source: 'jobs/src/main.ts',
    compiled: 'dist/jobs/src/main.js',
    nodeFlags: [],
  },
} as const satisfies Record<
  string,
  { source: string; compiled: string; nodeFlags: readonly string[] }
>;

export type ServiceName = keyof typeof SERVICES;
