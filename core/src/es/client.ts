import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { ConnectionEnv } from '../config/connections.js';

export type ElasticsearchConnection = Pick<
  ConnectionEnv,
  'ES_URL' | 'ES_USERNAME' | 'ES_PASSWORD' | 'ES_API_KEY' | 'ES_CA_FILE'
>;

/**
 * Builds the Elasticsearch client from validated config. Retries are left to the caller's own
 * policy (the ingest retries per item with backoff), so the transport does not retry on its own
 * and hide failures behind latency.
 */
export function createElasticsearchClient(
  config: ElasticsearchConnection,
  overrides: Partial<ClientOptions> = {},
): Client {
  const options: ClientOptions = {
    node: config.ES_URL,
    maxRetries: 0,
    requestTimeout: 30_000,
    compression: false,
    ...overrides,
  };
  if (config.ES_API_KEY) options.auth = { apiKey: config.ES_API_KEY };
  else if (config.ES_USERNAME && config.ES_PASSWORD)
    options.auth = { username: config.ES_USERNAME, password: config.ES_PASSWORD };
  if (config.ES_CA_FILE) options.tls = { ca: readFileSync(config.ES_CA_FILE) };
  return new Client(options);
}
