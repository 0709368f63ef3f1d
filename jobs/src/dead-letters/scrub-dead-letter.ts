import { escapeRegExp, scrubText } from '../../../core/src/anonymisation/scrub.js';
import type { StoredDeadLetter } from '../../../core/src/schemas/dead-letter.js';

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
 * The dead letter an anonymisation leaves in place of `letter`, or undefined when `letter` does
 * not hold `value`. The payload is scrubbed as free text is in events (the value, and every
 * e-mail, IP, token, UUID or long id the scrubber knows), issues likewise; a base64 payload, or
 * one the scrubber cannot rid of the value, is dropped whole. The source position, reason and
 * size stay, so support still sees that a record failed and why. Nothing maps back: no hash, no
 * stand-in kept.
 */
export function scrubDeadLetter(
  letter: StoredDeadLetter,
  value: string,
  operationId: string,
): StoredDeadLetter | undefined {
  if (!holdsValue(letter, value)) return undefined;
  const needle = valueNeedle(value);
  let data = letter.payload.encoding === 'utf8' ? scrubText(letter.payload.data, [value]) : '';
  if (needle.test(data)) data = '';
  return {
    ...letter,
    issues: letter.issues.map((issue) => {
      const path = scrubText(issue.path, [value]);
      const message = scrubText(issue.message, [value]);
      return {
        path: needle.test(path) ? '' : path,
        message: needle.test(message) ? '' : message,
      };
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
