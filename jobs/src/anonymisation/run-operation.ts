import type { Client, estypes } from '@elastic/elasticsearch';
import {
  selectorDigest,
  writeDenyListEntry,
} from '../../../core/src/anonymisation/deny-list-store.js';
import {
  type Operation,
  type OperationResult,
  type Verification,
} from '../../../core/src/anonymisation/operations.js';
import { operationLog } from '../../../core/src/anonymisation/operation-log.js';
import { SELECTOR_FIELDS } from '../../../core/src/anonymisation/selector.js';
import type { IndexNames } from '../../../core/src/es/index-names.js';
import { writeAudit } from '../audit.js';
import { eraseDeadLetters } from '../dead-letters/erase-dead-letters.js';
import { listEventIndices } from '../es/event-indices.js';
import { classifyFailure, type ClassifiedFailure } from '../errors.js';
import type { AnonymisationDeps } from './anonymisation-deps.js';
import {
  DEFAULT_ERASE_OPTIONS,
  eraseLiveIndex,
  ErasureDeferredError,
  ErasureIncompleteError,
  expungeDeletes,
  valueInSegments,
  type EraseOptions,
} from './erase.js';
import { erasureTimes, valueProof } from './erasure-decision.js';
import { elasticsearchErasureStore } from './erasure-store.js';
import { matchQuery, newRunIds, rewriteIndex, type RewriteTarget } from './rewrite.js';
import { combineVerifications, verifyErased } from './verify.js';
import { liftStaleWriteBlocks } from './write-block.js';

/**
 * The orchestration of a requested anonymisation: deny-list entry, rewrite (rewrite.ts), erasure
 * of every copy (events indices, dead letters, Kafka) with its proof, and the operation's record.
 */
export type { AnonymisationDeps } from './anonymisation-deps.js';

const DAY_MS = 86_400_000;
/** Progress is saved at most this often (a page can take well under a refresh interval). */
const PROGRESS_SAVE_EVERY_MS = 2_000;

/** Existing open event indices whose UTC day overlaps the operation's time range. */
export async function indicesInRange(
  es: Client,
  names: IndexNames,
  operation: Operation,
): Promise<string[]> {
  const from = operation.selector.from ? Date.parse(operation.selector.from) : -Infinity;
  const to = operation.selector.to ? Date.parse(operation.selector.to) : Infinity;
  return (await listEventIndices(es, names))
    .filter(({ closed, day }) => !closed && day !== undefined)
    .filter(({ day }) => day!.getTime() + DAY_MS > from && day!.getTime() <= to)
    .map(({ name }) => name);
}

/**
 * Runs (or resumes) one operation to completion. Every step is idempotent, so a run that crashed
 * at any point is simply run again: the deny-list entry is rewritten under the same id, the
 * passes find only what is still unanonymised, erasure and verification start from scratch.
 */
export async function runOperation(
  deps: AnonymisationDeps,
  queued: Operation,
  now: Date,
): Promise<Operation> {
  const { es, names, logger } = deps;
  const operations = operationLog(es, names);
  const store = elasticsearchErasureStore(es, names.locks);
  const log = logger.child({ operationId: queued.operationId });
  let operation: Operation = {
    ...queued,
    status: 'running',
    attempts: queued.attempts + 1,
    startedAt: queued.startedAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const result: OperationResult = queued.result
    ? { ...queued.result, errors: [] }
    : { eventsMatched: 0, eventsAnonymised: 0, eventsDeleted: 0, indicesTouched: [], errors: [] };
  const value = await operations.selectorValue(operation.operationId);
  if (value === undefined) {
    // The value is forgotten only once the verification is saved: a crash in between leaves an
    // operation that only missed its final status.
    if (!result.verification)
      result.errors.push({
        code: 'ARIANE_ANONYMISATION_VALUE_LOST',
        message: 'the selector value is no longer held; the operation cannot be verified',
      });
    return finish(
      deps,
      { ...operation, status: result.verification?.passed ? 'done' : 'failed' },
      result,
    );
  }
  await operations.save(operation);
  log.info(
    { attempt: operation.attempts, selectorType: operation.selector.type },
    'anonymisation started',
  );
  try {
    await writeDenyListEntry(es, names, {
      operation_id: operation.operationId,
      tenant: operation.tenant,
      selector_type: operation.selector.type,
      digest: selectorDigest(deps.denyListKey, operation.selector.type, value),
      ...(operation.selector.from !== undefined && { from: operation.selector.from }),
      ...(operation.selector.to !== undefined && { to: operation.selector.to }),
      expires_at: new Date(now.getTime() + deps.denyListTtlMs).toISOString(),
    });
    // Every record below these offsets is in Elasticsearch, where the passes below rewrite it.
    const committedAtStart = await deps.kafka?.committedNow();
    const query = matchQuery(operation, value);
    const indices = await indicesInRange(es, names, operation);
    const count = async (q: estypes.QueryDslQueryContainer): Promise<number> =>
      indices.length === 0 ? 0 : (await es.count({ index: indices.join(','), query: q })).count;
    // Progress is saved every few seconds, so after a crash the events already rewritten are
    // counted from the stamp they carry rather than from the last save.
    if (operation.attempts > 1)
      result.eventsAnonymised = Math.max(
        result.eventsAnonymised,
        await count({ term: { 'ariane.anonymisation_id': operation.operationId } }),
      );
    const remaining = await count(query);
    result.eventsMatched = result.eventsAnonymised + result.eventsDeleted + remaining;
    operation = {
      ...operation,
      progress: {
        done: result.eventsAnonymised + result.eventsDeleted,
        total: result.eventsMatched,
      },
    };
    await operations.save(operation);
    const touched = new Set(result.indicesTouched);
    const run = newRunIds();
    let lastProgressSave = Date.now();
    const targetOf = (index: string): RewriteTarget => ({
      operationId: operation.operationId,
      index,
      query,
      run,
      onBatch: async ({ anonymised, deleted }) => {
        touched.add(index);
        result.eventsAnonymised += anonymised;
        result.eventsDeleted += deleted;
        deps.metrics?.eventsAnonymised.inc(anonymised);
        const done = result.eventsAnonymised + result.eventsDeleted;
        result.eventsMatched = Math.max(result.eventsMatched, done);
        result.indicesTouched = [...touched].sort();
        operation = {
          ...operation,
          updatedAt: new Date().toISOString(),
          progress: { done, total: result.eventsMatched },
          result,
        };
        if (Date.now() - lastProgressSave >= PROGRESS_SAVE_EVERY_MS) {
          lastProgressSave = Date.now();
          await operations.save(operation, 'polled');
        }
      },
    });
    for (const index of indices) {
      const matched = await rewriteIndex(deps, targetOf(index));
      if (matched) touched.add(index);
    }
    result.indicesTouched = [...touched].sort();
    const erase = deps.erase ?? DEFAULT_ERASE_OPTIONS;
    // The dead letters are erased beside the events indices: each waits on its own merges.
    const deadLettersErased = eraseDeadLetters(
      {
        es,
        store,
        index: names.deadLetters,
        erase,
        ...(deps.signal && { signal: deps.signal }),
      },
      operation,
      value,
    );
    const stamped = async <T>(work: Promise<T>): Promise<[T, Date]> => [await work, new Date()];
    const [[deadLetters, deadLettersAt], [, eventsOnDiskAt]] = await Promise.all([
      stamped(deadLettersErased),
      stamped(
        Promise.all(
          result.indicesTouched.map((index) =>
            eraseLiveIndex(
              store,
              index,
              {
                check: async () => {
                  const found = await valueInSegments(
                    store,
                    index,
                    SELECTOR_FIELDS[operation.selector.type],
                    value,
                  );
                  const proof = valueProof(found);
                  // Each round that does not pass costs a merge and, past the last, a run.
                  if (proof !== 'gone')
                    log.info(
                      { index, liveHolders: found.liveHolders, fieldsListing: found.fieldsListing },
                      'selector value still in the index after the merge',
                    );
                  return proof;
                },
                catchUp: async () => {
                  await rewriteIndex(deps, targetOf(index));
                },
              },
              erase,
            ),
          ),
        ),
      ),
    ]);
    const verifications: Verification[] = [];
    for (const index of indices)
      verifications.push(await verifyErased(es, store, index, value, operation));
    // Each erased index passed an on-disk check: its selector value is in no segment any more.
    const onDisk = { passed: true, checks: result.indicesTouched.length, failures: [] };
    const elasticsearch = combineVerifications([...verifications, onDisk]);
    const deadLetterVerification: Verification = {
      passed: deadLetters.passed,
      checks: deadLetters.checks,
      failures: deadLetters.passed ? [] : [`dead-letters:${deadLetters.index}`],
    };
    const elasticsearchAt = new Date();
    const kafka =
      deps.kafka && committedAtStart
        ? await deps.kafka.eraseAndProve(value, committedAtStart, elasticsearchAt)
        : undefined;
    result.verification = {
      ...combineVerifications([
        elasticsearch,
        deadLetterVerification,
        ...(kafka
          ? [
              {
                passed: kafka.failures.length === 0,
                checks: kafka.proofs.length,
                failures: [...kafka.failures],
              },
            ]
          : []),
      ]),
      copies: {
        elasticsearch: { indices, checks: elasticsearch.checks, passed: elasticsearch.passed },
        ...(kafka && { kafka: [...kafka.proofs] }),
        deadLetters,
      },
    };
    result.erasure = erasureTimes({
      requestedAt: new Date(operation.createdAt),
      eventsOnDiskAt,
      deadLettersAt,
      elasticsearchAt,
      ...(kafka && { kafka }),
    });
    if (!result.verification.passed) {
      result.errors.push({
        code: 'ARIANE_ANONYMISATION_UNVERIFIED',
        message: 'original values are still found',
      });
      log.warn({ failures: result.verification.failures }, 'anonymisation unverified');
    }
    // The clear value stayed on disk until now, so that a deferred or interrupted erasure
    // resumes with it; from here on it only lives in memory.
    await operations.save({ ...operation, result });
    await operations.forgetValue(operation.operationId);
    // Only the query API writes here, and only new documents: no block needed.
    await expungeDeletes(store, operations.valuesIndex, erase);
    operation = { ...operation, status: result.verification.passed ? 'done' : 'failed' };
  } catch (error) {
    // Another instance holds the lease now and may be running this operation: leave it alone.
    if (deps.signal?.aborted) throw error;
    const failure = attemptFailure(error);
    result.errors.push({ code: failure.code, message: failure.message });
    operation = { ...operation, updatedAt: new Date().toISOString(), result };
    if (failure.code === 'ARIANE_ANONYMISATION_DEFERRED') {
      // Not a failure: the erasure waits for the next run, the value still on disk, and the
      // operations queued behind this one go on.
      log.warn({ code: failure.code }, 'anonymisation erasure deferred to the next run');
      await operations.save(operation);
      return operation;
    }
    log.error(
      { err: error, code: failure.code, retryable: failure.retryable },
      'anonymisation attempt failed',
    );
    if (failure.retryable) {
      // The operation stays running and the run stops: the next one resumes it.
      await operations.save(operation);
      throw error;
    }
    return finish(deps, { ...operation, status: 'failed' }, result);
  }
  return finish(deps, operation, result);
}

/** Permanent unless shown retryable (see classifyFailure); the erasure's own outcomes first. */
function attemptFailure(error: unknown): ClassifiedFailure {
  if (error instanceof ErasureIncompleteError)
    return { code: 'ARIANE_ANONYMISATION_INCOMPLETE', message: error.message, retryable: false };
  if (error instanceof ErasureDeferredError)
    return { code: 'ARIANE_ANONYMISATION_DEFERRED', message: error.message, retryable: true };
  return classifyFailure(error);
}

/** Records an operation's end: its final status, an audit record (names and counts) and a log line. */
async function finish(
  deps: AnonymisationDeps,
  ended: Operation,
  result: OperationResult,
): Promise<Operation> {
  const { es, names } = deps;
  const operations = operationLog(es, names);
  const at = new Date().toISOString();
  const operation: Operation = { ...ended, finishedAt: at, updatedAt: at, result };
  await operations.save(operation);
  await writeAudit(es, names, {
    kind: 'anonymisation',
    at,
    operationId: operation.operationId,
    tenant: operation.tenant,
    outcome: operation.status === 'done' ? 'success' : 'failure',
    details: {
      selectorType: operation.selector.type,
      ...(operation.selector.from !== undefined && { from: operation.selector.from }),
      ...(operation.selector.to !== undefined && { to: operation.selector.to }),
      eventsMatched: result.eventsMatched,
      eventsAnonymised: result.eventsAnonymised,
      eventsDeleted: result.eventsDeleted,
      indicesTouched: result.indicesTouched,
      verification: result.verification,
      errors: result.errors,
    },
  });
  deps.logger.info(
    {
      operationId: operation.operationId,
      status: operation.status,
      eventsAnonymised: result.eventsAnonymised,
      indices: result.indicesTouched,
    },
    'anonymisation finished',
  );
  return operation;
}

/**
 * Deletes clear values whose operation has ended or never existed (left behind by a crash
 * between the end of an operation and the deletion), then expunges them from disk.
 */
export async function purgeOrphanRequests(
  es: Client,
  names: IndexNames,
  erase: EraseOptions,
): Promise<number> {
  const operations = operationLog(es, names);
  const forgotten = await operations.forgetOrphanValues();
  if (forgotten > 0)
    await expungeDeletes(elasticsearchErasureStore(es, names.locks), operations.valuesIndex, erase);
  return forgotten;
}

/** One scheduled run: every queued operation, in order. The caller holds the lease. */
export async function runQueuedOperations(
  deps: AnonymisationDeps,
  now: Date,
): Promise<Operation[]> {
  const finished: Operation[] = [];
  await liftStaleWriteBlocks(deps.es, deps.names.locks);
  for (const operation of await operationLog(deps.es, deps.names).queued()) {
    deps.signal?.throwIfAborted();
    finished.push(await runOperation(deps, operation, now));
  }
  await purgeOrphanRequests(deps.es, deps.names, deps.erase ?? DEFAULT_ERASE_OPTIONS);
  return finished;
}
