import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from '../es/index-names.js';
import { ensureSmallIndex, type SmallIndex } from '../es/small-indices.js';
import { ArianeError } from '../errors.js';
import {
  OperationSchema,
  type NewOperation,
  type Operation,
  type OperationPage,
  type OperationStore,
} from './operations.js';

/**
 * The operation log: the one owner of `<prefix>-operations` (the operations, their progress and
 * verified results) and `<prefix>-anonymisation-requests` (the clear selector value of each
 * operation still to run). The query API queues and reads through it; the jobs run what it
 * queued and record what they did through it. No other module writes those indices.
 *
 * Contract: every method resolves once Elasticsearch acknowledged; `queue` and `save` with
 * `listed` visibility also wait for a refresh, so a listing shows the change when they resolve.
 * Rejections are the client's errors; the query API maps them (`createOperationStore`).
 */
export interface OperationLog {
  queue(input: NewOperation, now?: Date): Promise<Operation>;
  /** The operation if it exists and belongs to `tenant`; another tenant's operation is invisible. */
  find(operationId: string, tenant: string): Promise<Operation | undefined>;
  /** Newest first, for audit. */
  list(
    tenant: string,
    page: { readonly limit: number; readonly offset: number },
  ): Promise<OperationPage>;
  /** Operations still to run (pending) or to resume (running: a run crashed), oldest first. */
  queued(): Promise<Operation[]>;
  /**
   * Saves the operation's state. `polled`: progress, read by a realtime get, no refresh;
   * `listed` (state changes): visible to listings when it resolves.
   */
  save(operation: Operation, visibility?: 'listed' | 'polled'): Promise<void>;
  /** The clear selector value of a queued operation, while it is held. */
  selectorValue(operationId: string): Promise<string | undefined>;
  /**
   * Deletes the clear value. Its bytes stay in the requests index's segments until the caller
   * expunges `valuesIndex`; the log cannot (the erasure and its proof are the jobs').
   */
  forgetValue(operationId: string): Promise<void>;
  /**
   * Deletes the values whose operation has ended or never existed (left by a crash between an
   * operation's end and the deletion); resolves with how many, for the caller to expunge.
   */
  forgetOrphanValues(): Promise<number>;
  /** `<prefix>-anonymisation-requests`, for the caller's expunge. */
  readonly valuesIndex: string;
}

/**
 * Creates the operations, requests, audit and locks indices if missing, with `replicas` replicas
 * (idempotent; see `ensureSmallIndex`).
 */
export async function ensureOperationIndices(
  es: Client,
  names: IndexNames,
  replicas: number,
): Promise<void> {
  const wanted: [string, SmallIndex][] = [
    [names.operations, 'operations'],
    [names.anonymisationRequests, 'anonymisation-requests'],
    [names.audit, 'audit'],
    [names.locks, 'locks'],
  ];
  for (const [index, kind] of wanted) await ensureSmallIndex(es, index, kind, replicas);
}

/** The operation log on Elasticsearch. */
export function operationLog(es: Client, names: IndexNames): OperationLog {
  return {
    valuesIndex: names.anonymisationRequests,
    queue: (input, now) => queueAnonymisation(es, names, input, now),
    find: (operationId, tenant) => findOperation(es, names, operationId, tenant),
    list: (tenant, page) => listOperations(es, names, tenant, page),
    async queued() {
      const found = await es.search<Operation>(
        {
          index: names.operations,
          size: 100,
          query: { terms: { status: ['pending', 'running'] } },
          sort: [{ createdAt: 'asc' }],
        },
        { ignore: [404] },
      );
      return (found.hits?.hits ?? []).map((hit) => OperationSchema.parse(hit._source));
    },
    async save(operation, visibility = 'listed') {
      await es.index({
        index: names.operations,
        id: operation.operationId,
        document: OperationSchema.parse(operation),
        refresh: visibility === 'listed' ? 'wait_for' : false,
      });
    },
    async selectorValue(operationId) {
      const found = await es.get<{ value: string }>(
        { index: names.anonymisationRequests, id: operationId },
        { ignore: [404] },
      );
      return found.found ? found._source?.value : undefined;
    },
    async forgetValue(operationId) {
      await es.delete(
        { index: names.anonymisationRequests, id: operationId, refresh: true },
        { ignore: [404] },
      );
    },
    async forgetOrphanValues() {
      const requests = await es.search(
        { index: names.anonymisationRequests, size: 1000, _source: false },
        { ignore: [404] },
      );
      const ids = (requests.hits?.hits ?? []).map((hit) => hit._id as string);
      if (ids.length === 0) return 0;
      const ops = await es.mget<Operation>({ index: names.operations, ids });
      const orphans = ops.docs
        .filter(
          (doc) =>
            !('found' in doc) ||
            !doc.found ||
            !['pending', 'running'].includes(doc._source?.status ?? ''),
        )
        .map((doc) => doc._id);
      if (orphans.length === 0) return 0;
      await es.bulk({
        refresh: true,
        operations: orphans.map((id) => ({
          delete: { _index: names.anonymisationRequests, _id: id },
        })),
      });
      return orphans.length;
    },
  };
}

/**
 * Queues an operation: the pending operation document first, then the clear value in the
 * requests index. If the second write fails the operation is marked failed, so a clear value
 * never exists without an operation that will delete it.
 */
export async function queueAnonymisation(
  es: Client,
  names: IndexNames,
  input: NewOperation,
  now: Date = new Date(),
): Promise<Operation> {
  const { selector, reason } = input.request;
  const at = now.toISOString();
  const operation: Operation = OperationSchema.parse({
    operationId: randomUUID(),
    kind: 'anonymisation',
    tenant: input.tenant,
    requestedBy: input.requestedBy,
    reason,
    selector: {
      type: selector.type,
      ...(selector.from !== undefined && { from: new Date(selector.from).toISOString() }),
      ...(selector.to !== undefined && { to: new Date(selector.to).toISOString() }),
    },
    status: 'pending',
    createdAt: at,
    updatedAt: at,
    attempts: 0,
    progress: { done: 0, total: 0 },
  });
  await es.index({
    index: names.operations,
    id: operation.operationId,
    op_type: 'create',
    document: operation,
    refresh: 'wait_for',
  });
  try {
    await es.index({
      index: names.anonymisationRequests,
      id: operation.operationId,
      op_type: 'create',
      document: { value: selector.value },
      refresh: 'wait_for',
    });
  } catch (error) {
    await es.index({
      index: names.operations,
      id: operation.operationId,
      document: {
        ...operation,
        status: 'failed',
        updatedAt: new Date().toISOString(),
        result: {
          eventsMatched: 0,
          eventsAnonymised: 0,
          eventsDeleted: 0,
          indicesTouched: [],
          errors: [
            { code: 'ARIANE_STORE_UNAVAILABLE', message: 'the request could not be stored' },
          ],
        },
      },
      refresh: 'wait_for',
    });
    throw error;
  }
  return operation;
}

/** The operation if it exists and belongs to `tenant`; another tenant's operation is invisible. */
export async function findOperation(
  es: Client,
  names: IndexNames,
  operationId: string,
  tenant: string,
): Promise<Operation | undefined> {
  const found = await es.get<Operation>(
    { index: names.operations, id: operationId },
    { ignore: [404] },
  );
  if (!found.found || !found._source) return undefined;
  const operation = OperationSchema.parse(found._source);
  return operation.tenant === tenant ? operation : undefined;
}

/** Newest first, for audit. */
export async function listOperations(
  es: Client,
  names: IndexNames,
  tenant: string,
  page: { readonly limit: number; readonly offset: number },
): Promise<OperationPage> {
  const result = await es.search<Operation>(
    {
      index: names.operations,
      from: page.offset,
      size: page.limit,
      track_total_hits: true,
      query: { term: { tenant } },
      sort: [{ createdAt: 'desc' }, { operationId: 'asc' }],
    },
    { ignore: [404] },
  );
  const total = result.hits?.total;
  return {
    total: typeof total === 'number' ? total : (total?.value ?? 0),
    items: (result.hits?.hits ?? []).map((hit) => OperationSchema.parse(hit._source)),
  };
}

export function createOperationStore(es: Client, names: IndexNames): OperationStore {
  const unavailable = (error: unknown): never => {
    if (error instanceof ArianeError) throw error;
    throw new ArianeError('ARIANE_STORE_UNAVAILABLE');
  };
  return {
    queue: (input) => queueAnonymisation(es, names, input).catch(unavailable),
    find: (operationId, tenant) => findOperation(es, names, operationId, tenant).catch(unavailable),
    list: (tenant, page) => listOperations(es, names, tenant, page).catch(unavailable),
  };
}
