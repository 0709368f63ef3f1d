import type { Client } from '@elastic/elasticsearch';
import { ConnectionEnvSchema } from '../../core/src/config/connections.js';
import { parseEnv } from '../../core/src/config/parse-env.js';
import { createElasticsearchClient } from '../../core/src/es/client.js';
import { uniqueName } from './unique.js';
import { waitFor } from './wait.js';

/**
 * Elasticsearch for one test file, on ES_URL (test/run.ts sets it). Tests put everything
 * they create under prefixes handed out here; `close()` lists what exists under each prefix
 * and deletes it by exact name (the local cluster refuses wildcard deletes), then closes the
 * client. Call `close()` in an `after` hook.
 */
export class EsTestContext {
  readonly client: Client;
  private readonly prefixes: string[] = [];

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const connection = parseEnv(ConnectionEnvSchema, env);
    // A test talks to a live local node: a short timeout beats a hung test.
    this.client = createElasticsearchClient(connection, { requestTimeout: 10_000 });
  }

  /**
   * A unique name to use as an index name or as the prefix of indices and index templates
   * (for example as ARIANE_INDEX_PREFIX). Everything starting with it is deleted by `close()`.
   */
  prefix(label: string): string {
    const prefix = uniqueName(label);
    this.prefixes.push(prefix);
    return prefix;
  }

  /** Waits until `index` (a name or pattern) holds exactly `count` searchable documents. */
  async waitForCount(index: string, count: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${count} documents in ${index}`,
      async () => {
        // An explicit refresh makes new documents searchable now instead of within 1 s.
        await this.client.indices.refresh({ index, allow_no_indices: true });
        const { count: found } = await this.client.count({ index, allow_no_indices: true });
        if (found > count)
          throw new Error(`expected ${count} documents in ${index}, found ${found}`);
        return found === count ? true : undefined;
      },
      { timeoutMs },
    );
  }

  /** Idempotent. Deletes what exists under the prefixes, then closes the client. */
  async close(): Promise<void> {
    const prefixes = this.prefixes.splice(0);
    try {
      for (const prefix of prefixes) await this.deleteUnder(prefix);
    } finally {
      await this.client.close();
    }
  }

  private async deleteUnder(prefix: string): Promise<void> {
    const pattern = `${prefix}*`;
    const resolved = await this.client.indices.resolveIndex({
      name: pattern,
      expand_wildcards: 'all',
    });
    const indices = resolved.indices.map((i) => i.name);
    if (indices.length > 0) await this.client.indices.delete({ index: indices });
    const templates = await this.client.indices.getIndexTemplate(
      { name: pattern },
      { ignore: [404] },
    );
    const templateNames = (templates.index_templates ?? []).map((t) => t.name);
    for (const name of templateNames) await this.client.indices.deleteIndexTemplate({ name });
  }
}
