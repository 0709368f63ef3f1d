import { errors } from '@elastic/elasticsearch';
import { ERROR_CODES, type ErrorCode } from '../../core/src/errors.js';

/**
 * A job's failure with its registry code. Permanent unless marked retryable: the next run would
 * fail the same way (a bug, bad data, a proof that does not hold), so an operation that meets one
 * ends `failed` instead of staying `running` and being retried forever.
 */
export class JobError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

export interface ClassifiedFailure {
  readonly code: ErrorCode;
  /** Safe to record: no value, no internals beyond an index or topic name. */
  readonly message: string;
  readonly retryable: boolean;
}

/** HTTP statuses after which the same request may succeed later. */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Elasticsearch unreachable, timing out or answering 408/429/5xx, and Kafka errors kafkajs marks
 * `retriable` (leader moving, broker unreachable, request timed out) are retryable, as
 * ARIANE_STORE_UNAVAILABLE. Everything else that is not a JobError is permanent, as
 * ARIANE_INTERNAL: an unknown error is a bug until shown otherwise.
 */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof JobError)
    return { code: error.code, message: error.message, retryable: error.retryable };
  const unavailable = (what: string): ClassifiedFailure => ({
    code: 'ARIANE_STORE_UNAVAILABLE',
    message: `${what} failed during the operation; it will resume`,
    retryable: true,
  });
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    (error instanceof errors.ResponseError && TRANSIENT_STATUSES.has(error.statusCode ?? 0))
  )
    return unavailable('Elasticsearch');
  if (isKafkaRetriable(error)) return unavailable('Kafka');
  return {
    code: 'ARIANE_INTERNAL',
    message: 'an unexpected error stopped the operation',
    retryable: false,
  };
}

/** kafkajs' error classes are not importable from ESM, hence the shape check. */
function isKafkaRetriable(error: unknown): boolean {
  if (!(error instanceof Error) || !error.name.startsWith('KafkaJS')) return false;
  return (error as { retriable?: unknown }).retriable === true;
}
