import type {
  DeadLetterIssue,
  DeadLetterReason,
  DeadLetterRecord,
} from '../../../core/src/schemas/dead-letter.js';
import type { SourceRecord } from '../source/source-record.js';
import { tenantOfPayload } from './dead-letter-tenant.js';
import { redactText } from './redact.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function codeFor(reason: DeadLetterReason): DeadLetterRecord['code'] {
  if (reason === 'too_large') return 'ARIANE_PAYLOAD_TOO_LARGE';
  if (reason === 'rejected_by_store') return 'ARIANE_EVENT_REJECTED';
  return 'ARIANE_EVENT_INVALID';
}

/**
 * The dead-letter record for `record`. The payload is cut to `maxPayloadBytes` (before
 * encoding), kept as text when the kept bytes are valid UTF-8 and as base64 otherwise, and text
 * payloads go through the same credential redaction as messages. The tenant is read from text
 * payloads when they name exactly one.
 */
export function buildDeadLetter(
  record: SourceRecord,
  reason: DeadLetterReason,
  issues: readonly DeadLetterIssue[],
  maxPayloadBytes: number,
  failedAtMs: number,
  envelopes: readonly string[] = [],
): DeadLetterRecord {
  const value = record.value ?? Buffer.alloc(0);
  const truncated = value.length > maxPayloadBytes;
  const kept = truncated ? value.subarray(0, maxPayloadBytes) : value;
  let payload: Pick<DeadLetterRecord['payload'], 'encoding' | 'data'>;
  let tenant: string | undefined;
  try {
    // A cut can split a multi-byte character; `stream: true` drops the incomplete tail.
    const text = truncated
      ? new TextDecoder('utf-8', { fatal: true }).decode(kept, { stream: true })
      : utf8.decode(kept);
    payload = { encoding: 'utf8', data: redactText(text).value };
    tenant = tenantOfPayload(text);
  } catch {
    payload = { encoding: 'base64', data: kept.toString('base64') };
  }
  return {
    code: codeFor(reason),
    reason,
    issues: [...issues],
    ...(envelopes.length > 0 && { envelopes: [...envelopes] }),
    ...(tenant !== undefined && { tenant }),
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
    payload: { ...payload, bytes: value.length, truncated },
    failed_at: new Date(failedAtMs).toISOString(),
  };
}
