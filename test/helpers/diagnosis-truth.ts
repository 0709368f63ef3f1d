import type { SimulatedRequest } from '../../bench/generator/traffic.js';
import type { Diagnosis } from '../../query-api/src/contract/diagnosis.js';

/**
 * Whether a timeline's diagnosis says what the generator's ground truth did to the request:
 * the same case, and the same reason or origin service when the truth names one. A backend
 * that logged nothing cannot be named, so the service is checked only when every hop logged.
 * Returns the mismatch in words, or undefined.
 */
export function diagnosisMismatch(
  request: SimulatedRequest,
  diagnosis: Diagnosis,
): string | undefined {
  const expected = request.failure;
  const actual = `${diagnosis.kind}/${diagnosis.reason ?? '-'}/${diagnosis.service ?? '-'}: ${diagnosis.summary}`;
  if (!expected) return diagnosis.kind === 'ok' ? undefined : `expected ok, got ${actual}`;
  if (diagnosis.kind !== expected.kind) return `expected ${expected.kind}, got ${actual}`;
  // Only the policy path tells the WAF, and the query API cannot read it (the line carries no
  // tenant); a scope refusal says so in WWW-Authenticate, which the transaction event log lacks.
  const undecidable =
    diagnosis.reason === 'policy' &&
    (request.rejection === 'waf' || (request.rejection === 'scope' && request.asTransactionEvent));
  if (expected.reason && diagnosis.reason !== expected.reason && !undecidable)
    return `expected reason ${expected.reason}, got ${actual}`;
  const allLogged = request.hops.every((hop) => hop.logged);
  if (expected.service && allLogged && diagnosis.service !== expected.service)
    return `expected ${expected.service}, got ${actual}`;
  return undefined;
}
