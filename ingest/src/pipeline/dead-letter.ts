import type { DenyList } from '../../../core/src/anonymisation/deny-list.js';
import { scrubDeadLetter } from '../../../core/src/anonymisation/scrub-dead-letter.js';
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

/** Separators of the words a selector value may be among: whitespace and JSON/URL punctuation. */
const WORD_SEPARATORS = /[\s"'`,;{}[\]()<>=&?#|\\/]+/;

/** The words of a text: `key:value` also yields its parts, since IPv6 values hold colons. */
export function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const word of text.split(WORD_SEPARATORS)) {
    if (word === '') continue;
    words.add(word);
    if (word.includes(':')) for (const part of word.split(':')) if (part !== '') words.add(part);
  }
  return words;
}

/**
 * A dead letter ingest is about to store, scrubbed of the values of active deny-list entries (an
 * anonymisation already ran for them) found among the words of its text payload and issues, as
 * the job would have scrubbed it; unchanged when none is found. A value glued inside a longer word
 * or in a binary payload is not found here: such a dead letter waits for retention.
 */
export function withDenyList(letter: DeadLetterRecord, denyList: DenyList): DeadLetterRecord {
  const text =
    letter.payload.encoding === 'utf8'
      ? `${letter.payload.data}\n${letter.issues.map((i) => i.message).join('\n')}`
      : letter.issues.map((i) => i.message).join('\n');
  const matches = denyList.matchTokens(wordsOf(text), letter.tenant);
  if (matches.length === 0) return letter;
  return (
    scrubDeadLetter(
      letter,
      matches.map((m) => m.value),
      matches[0]!.operationId,
    ) ?? letter
  );
}
