import type { StoredDeadLetter } from '../schemas/dead-letter.js';
import { escapeRegExp, scrubText } from './scrub.js';

/**
 * Whether a dead letter holds `value`, bounded by non-alphanumerics and in any case (as the
 * events' verification looks for it), in its payload (a base64 payload is looked at as bytes) or
 * in its issues (an Elasticsearch refusal may quote a field's content).
 */
export function holdsValue(letter: StoredDeadLetter, value: string): boolean {
  const needle = valueNeedle(value);
  return needle.test(payloadText(letter)) || needle.test(JSON.stringify(letter.issues));
}

/**
 * The dead letter an anonymisation leaves in place of `letter`, or undefined when `letter` holds
 * none of the values (several when ingest found active deny-list entries in a new dead letter). The payload is scrubbed as free text is in events (the value, and every
 * e-mail, IP, token, UUID or long id the scrubber knows), issues likewise; a base64 payload, or
 * one the scrubber cannot rid of the value, is dropped whole. The source position, reason and
 * size stay, so support still sees that a record failed and why. Nothing maps back: no hash, no
 * stand-in kept.
 */
export function scrubDeadLetter<T extends StoredDeadLetter>(
  letter: T,
  value: string | readonly string[],
  operationId: string,
): T | undefined {
  const values = typeof value === 'string' ? [value] : [...value];
  if (!values.some((one) => holdsValue(letter, one))) return undefined;
  const needles = values.map(valueNeedle);
  const holds = (text: string) => needles.some((needle) => needle.test(text));
  let data = letter.payload.encoding === 'utf8' ? scrubText(letter.payload.data, values) : '';
  if (holds(data)) data = '';
  return {
    ...letter,
    issues: letter.issues.map((issue) => {
      const path = scrubText(issue.path, values);
      const message = scrubText(issue.message, values);
      return { path: holds(path) ? '' : path, message: holds(message) ? '' : message };
    }),
    payload: { ...letter.payload, data },
    anonymisation_id: operationId,
  };
}

/** Bounded by non-alphanumerics, so a short value does not "occur" inside another word. */
function valueNeedle(value: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])`, 'i');
}

function payloadText(letter: StoredDeadLetter): string {
  const { encoding, data } = letter.payload;
  return encoding === 'base64' ? Buffer.from(data, 'base64').toString('latin1') : data;
}
