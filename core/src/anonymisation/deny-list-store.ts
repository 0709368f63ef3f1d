import { createHmac } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { z } from 'zod';
import type { IndexNames } from '../es/index-names.js';
import type { Logger } from '../observability/logger.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { EMPTY_DENY_LIST, type DenyList } from './deny-list.js';
import { SELECTOR_FIELDS, SELECTOR_TYPES, TENANT_FIELD, type SelectorType } from './selector.js';
import { ensureSmallIndex, smallIndexMappings } from '../es/small-indices.js';

/**
 * The Elasticsearch-backed deny list: one entry per anonymisation operation, written by the job
 * before it rewrites stored events, read by ingest to anonymise late events. An entry holds
 * HMAC-SHA256(ANONYMISATION_DENYLIST_KEY, `<type>:<value>`), never the value, and expires when
 * clear data for it can no longer arrive (docs/adr/002-anonymisation-and-retention.md explains why a keyed
 * hash is acceptable for that window only).
 */
export const DenyListEntrySchema = z.object({
  operation_id: z.string(),
  tenant: z.string(),
  selector_type: z.enum(SELECTOR_TYPES),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  expires_at: z.iso.datetime({ offset: true }),
});
export type DenyListEntry = z.infer<typeof DenyListEntrySchema>;

export const DENY_LIST_MAPPINGS = smallIndexMappings('denylist');

/** Values that Elasticsearch treats as equal must hash equal: IPs are compared canonically. */
function canonical(type: SelectorType, value: string): string {
  const trimmed = value.trim();
  if (type !== 'client_ip') return trimmed;
  const lower = trimmed.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

export function selectorDigest(key: string, type: SelectorType, value: string): string {
  return createHmac('sha256', key)
    .update(`${type}:${canonical(type, value)}`)
    .digest('hex');
}

function valuesAt(event: unknown, path: string): string[] {
  let node: unknown = event;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return [];
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.filter((item): item is string => typeof item === 'string');
  return [];
}

function inRange(entry: DenyListEntry, timestamp: number): boolean {
  if (entry.from !== undefined && timestamp < Date.parse(entry.from)) return false;
  return entry.to === undefined || timestamp <= Date.parse(entry.to);
}

/** Bound on the digests a digester remembers; reached, the memo starts again empty. */
const DIGEST_MEMO_SIZE = 50_000;

/** `selectorDigest` under one key. */
export type SelectorDigester = (type: SelectorType, value: string) => string;

/**
 * `selectorDigest` under `key`, remembered per (type, value). An HMAC costs microseconds and
 * ingest asks for several per event, while the values repeat: a session's events share its
 * session, user and client, a request's hops share its id. The memo depends on the key only, so
 * one digester serves every reload of the list; it lives in process memory only, like the events
 * it serves, and is bounded.
 */
export function selectorDigester(key: string): SelectorDigester {
  const memo = new Map<string, string>();
  return (type, value) => {
    const memoKey = `${type}:${value}`;
    let digest = memo.get(memoKey);
    if (digest === undefined) {
      if (memo.size >= DIGEST_MEMO_SIZE) memo.clear();
      digest = selectorDigest(key, type, value);
      memo.set(memoKey, digest);
    }
    return digest;
  };
}

/**
 * An in-memory deny list over `entries`: `match` hashes each selector field of the event whose
 * type some entry has, once, and looks the digest up, so its cost grows with the event's fields,
 * not with the entries.
 */
export function buildDenyList(
  entries: readonly DenyListEntry[],
  digestOf: SelectorDigester,
): DenyList {
  const byDigest = new Map<string, DenyListEntry[]>();
  for (const entry of entries) {
    const list = byDigest.get(entry.digest) ?? [];
    list.push(entry);
    byDigest.set(entry.digest, list);
  }
  if (byDigest.size === 0) return EMPTY_DENY_LIST;
  const listedTypes = SELECTOR_TYPES.filter((type) =>
    entries.some((entry) => entry.selector_type === type),
  );
  return {
    matchTokens(tokens, tenant) {
      const found = new Map<string, string>();
      for (const token of new Set(tokens)) {
        if (token.length === 0 || token.length > 512 || found.has(token)) continue;
        for (const type of listedTypes) {
          const hit = byDigest
            .get(digestOf(type, token))
            ?.find(
              (entry) =>
                entry.selector_type === type && (tenant === undefined || entry.tenant === tenant),
            );
          if (hit) {
            found.set(token, hit.operation_id);
            break;
          }
        }
      }
      return [...found].map(([value, operationId]) => ({ value, operationId }));
    },
    match(event: TraceEvent): string | undefined {
      const tenant = valuesAt(event, TENANT_FIELD)[0];
      const timestamp = Date.parse(event['@timestamp']);
      for (const type of listedTypes) {
        for (const field of SELECTOR_FIELDS[type]) {
          for (const value of valuesAt(event, field)) {
            const hits = byDigest.get(digestOf(type, value));
            const hit = hits?.find(
              (entry) =>
                entry.selector_type === type &&
                entry.tenant === tenant &&
                inRange(entry, timestamp),
            );
            if (hit) return hit.operation_id;
          }
        }
      }
      return undefined;
    },
  };
}

export async function ensureDenyListIndex(
  es: Client,
  names: IndexNames,
  replicas: number,
): Promise<void> {
  await ensureSmallIndex(es, names.denyList, 'denylist', replicas);
}

/** Idempotent: the entry's id is its operation id. Resolves once the entry is searchable. */
export async function writeDenyListEntry(
  es: Client,
  names: IndexNames,
  entry: DenyListEntry,
): Promise<void> {
  await es.index({
    index: names.denyList,
    id: entry.operation_id,
    document: DenyListEntrySchema.parse(entry),
    refresh: 'wait_for',
  });
}

const PAGE = 1000;

/** Every unexpired entry (ids sorted, search_after paging). A missing index is an empty list. */
export async function readDenyListEntries(
  es: Client,
  names: IndexNames,
  now: Date,
): Promise<DenyListEntry[]> {
  const entries: DenyListEntry[] = [];
  let after: (string | number)[] | undefined;
  for (;;) {
    const page = await es.search(
      {
        index: names.denyList,
        size: PAGE,
        query: { range: { expires_at: { gt: now.toISOString() } } },
        sort: [{ operation_id: 'asc' }],
        ...(after && { search_after: after }),
      },
      { ignore: [404] },
    );
    const hits = page.hits?.hits ?? [];
    for (const hit of hits) {
      const parsed = DenyListEntrySchema.safeParse(hit._source);
      if (parsed.success) entries.push(parsed.data);
    }
    const last = hits.at(-1);
    if (hits.length < PAGE || !last?.sort) return entries;
    after = last.sort as (string | number)[];
  }
}

export async function loadDenyList(
  es: Client,
  names: IndexNames,
  digestOf: SelectorDigester,
  now: Date = new Date(),
): Promise<DenyList> {
  return buildDenyList(await readDenyListEntries(es, names, now), digestOf);
}

/** Deletes expired entries by id (this Elasticsearch has no delete-by-query). Returns the count. */
export async function deleteExpiredDenyListEntries(
  es: Client,
  names: IndexNames,
  now: Date,
): Promise<number> {
  const expired = await es.search(
    {
      index: names.denyList,
      size: 10_000,
      _source: false,
      query: { range: { expires_at: { lte: now.toISOString() } } },
    },
    { ignore: [404] },
  );
  const ids = (expired.hits?.hits ?? []).map((hit) => hit._id).filter((id) => id !== undefined);
  if (ids.length === 0) return 0;
  await es.bulk({
    refresh: true,
    operations: ids.map((id) => ({ delete: { _index: names.denyList, _id: id } })),
  });
  return ids.length;
}

export interface DenyListRefresherOptions {
  readonly es: Client;
  readonly names: IndexNames;
  readonly key: string;
  readonly intervalMs: number;
  readonly logger: Logger;
}

/**
 * Keeps an in-memory deny list in step with the index for ingest: `match` answers from the last
 * successful load; a failed reload keeps the previous list (and is logged), so a blip in
 * Elasticsearch never empties the list. `start` resolves after the first load.
 */
export class DenyListRefresher implements DenyList {
  #current: DenyList = EMPTY_DENY_LIST;
  #timer: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;
  readonly #digestOf: SelectorDigester;

  constructor(private readonly options: DenyListRefresherOptions) {
    this.#digestOf = selectorDigester(options.key);
  }

  match(event: TraceEvent): string | undefined {
    return this.#current.match(event);
  }

  matchTokens(tokens: Iterable<string>, tenant: string | undefined) {
    return this.#current.matchTokens(tokens, tenant);
  }

  async refresh(): Promise<void> {
    const { es, names, logger } = this.options;
    this.#loading ??= loadDenyList(es, names, this.#digestOf)
      .then((list) => {
        this.#current = list;
      })
      .catch((error: unknown) => {
        logger.warn({ err: error, index: names.denyList }, 'deny list reload failed');
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timer ??= setInterval(() => void this.refresh(), this.options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#loading;
  }
}
