import type { Client } from '@elastic/elasticsearch';
import { ensureDenyListIndex } from '../../core/src/anonymisation/deny-list-store.js';
import { ensureOperationIndices } from '../../core/src/anonymisation/operation-log.js';
import { ensureDeadLetterIndex } from '../../core/src/es/dead-letter-index.js';
import type { IndexNames } from '../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../core/src/es/setup.js';
import { createLogger } from '../../core/src/observability/logger.js';
import type { TraceEvent } from '../../core/src/schemas/trace-event.js';
import type { AnonymisationDeps } from '../../jobs/src/anonymisation/run-operation.js';

/** The deny-list key the jobs tests use. */
export const TEST_DENYLIST_KEY = 'integration-deny-list-key-0123456789';

/** Anonymisation collaborators for a test: silent logger, default erasure. */
export function anonymisationTestDeps(es: Client, names: IndexNames): AnonymisationDeps {
  return {
    es,
    names,
    logger: createLogger('jobs-test', 'silent'),
    denyListKey: TEST_DENYLIST_KEY,
    denyListTtlMs: 20 * 86_400_000,
    keepSessionLinkage: false,
  };
}

/**
 * What an anonymisation needs under `prefix`: events template, operation, deny-list and
 * dead-letter indices, with `replicas` replicas.
 */
export async function prepareAnonymisationIndices(
  es: Client,
  names: IndexNames,
  prefix: string,
  replicas = 0,
): Promise<void> {
  await installEventsTemplate(es, names, prefix, replicas);
  await ensureOperationIndices(es, names, replicas);
  await ensureDenyListIndex(es, names, replicas);
  await ensureDeadLetterIndex(es, names, replicas);
}

/** Every document of `index` (up to 1000), `_id` included, oldest `@timestamp` first. */
export async function sourcesOf(es: Client, index: string): Promise<Record<string, unknown>[]> {
  await es.indices.refresh({ index });
  const found = await es.search({
    index,
    size: 1000,
    query: { match_all: {} },
    sort: [{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }],
  });
  return found.hits.hits.map((hit) => ({ _id: hit._id, ...(hit._source as object) }));
}

/** Every personal value `personalEvent` holds, for "none of these remain" checks. */
export const PERSONAL = [
  '203.0.113.77',
  '2001:db8::77',
  '198.51.100.9',
  'jean.dupont@example.fr',
  'user-8812',
  'sess-0f9c2a7e',
  'req-41aa7d2b',
  'corr-77f1',
  'span-19ab',
  'client-app-42',
  'Acme Billing App',
  'Mozilla/5.0 (X11; Linux) Firefox/128.0',
  'token=abcd1234efgh5678',
  '3f2c9a1e-0b7d-4c55-9e1a-2b7f6c8d9e10',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl',
  'c0ffee-hash-of-the-raw-line',
];

/** An event carrying personal data in every field that can hold some. */
export function personalEvent(overrides: Partial<TraceEvent> = {}): TraceEvent {
  return {
    '@timestamp': '2024-03-10T10:00:00.000Z',
    event: {
      id: 'c0ffee-hash-of-the-raw-line',
      dataset: 'axway.leg',
      kind: 'event',
      category: ['web'],
      type: ['access'],
      outcome: 'success',
      duration: 1_500_000,
      ingested: '2024-03-10T10:00:01.000Z',
    },
    http: {
      request: { id: 'req-41aa7d2b', method: 'GET', bytes: 10 },
      response: { status_code: 200 },
    },
    url: {
      path: '/api/v1/users/jean.dupont@example.fr',
      query: 'token=abcd1234efgh5678',
      original: '/api/v1/users/jean.dupont@example.fr?token=abcd1234efgh5678',
    },
    transaction: { id: 'corr-77f1' },
    span: { id: 'span-19ab' },
    service: { name: 'referentiels', type: 'gateway' },
    client: { ip: '203.0.113.77', port: 51234 },
    destination: { address: 'backend.internal', port: 8443 },
    network: { direction: 'inbound', forwarded_ip: ['2001:db8::77', '198.51.100.9'] },
    user: { id: 'user-8812' },
    user_agent: { original: 'Mozilla/5.0 (X11; Linux) Firefox/128.0' },
    organization: { id: 'tenant-a' },
    message:
      'user user-8812 from 203.0.113.77 sent sess-0f9c2a7e with 3f2c9a1e-0b7d-4c55-9e1a-2b7f6c8d9e10',
    error: { message: 'auth failed for jean.dupont@example.fr' },
    ariane: {
      session_id: 'sess-0f9c2a7e',
      client_id: 'client-app-42',
      app_name: 'Acme Billing App',
      api_name: 'Referentiels',
      leg: 0,
      correlation_ids: ['corr-77f1'],
      raw_timestamp: '10/Mar/2024:10:00:00 +0000',
      request_headers:
        'X-Request-Id: req-41aa7d2b\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl',
      circuit_path: [{ filter: 'check', detail: 'session sess-0f9c2a7e' }],
      source: { topic: 'ariane.gateway', partition: 0, offset: '4242' },
    },
    ...overrides,
  };
}
