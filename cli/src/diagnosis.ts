import type { Diagnosis } from '../../query-api/src/contract/diagnosis.js';
import type { SessionSummary } from '../../query-api/src/contract/session-timeline.js';
import type { Paint, Tone } from './style.js';

/** Red for a failure, yellow for a slow request, green otherwise. */
export function diagnosisTone(diagnosis: Diagnosis): Tone {
  if (diagnosis.origin !== null || diagnosis.kind === 'unknown') return 'bad';
  return diagnosis.kind === 'slow' ? 'warn' : 'ok';
}

/** A short label of the case and its origin, for one-line listings. */
export function diagnosisLabel(diagnosis: Diagnosis): string {
  switch (diagnosis.origin) {
    case 'gateway':
      return diagnosis.kind === 'rejected_by_gateway'
        ? `gateway: ${diagnosis.reason ?? 'rejected'}`
        : 'gateway: after backend';
    case 'backend':
      return `${diagnosis.kind === 'backend_client_error' ? '4xx' : 'error'} in ${diagnosis.service ?? 'a backend'}`;
    case 'network':
      return `network: ${diagnosis.reason ?? 'unreachable'}`;
    default:
      return diagnosis.kind;
  }
}

/** "backend metadata 2 · gateway 1 · network 1", or "none". */
export function renderFailuresByOrigin(
  failures: SessionSummary['failuresByOrigin'],
  paint: Paint,
): string {
  if (failures.length === 0) return paint('ok', 'none');
  return failures
    .map(({ origin, service, requests }) =>
      paint('bad', `${origin}${service ? ` ${service}` : ''} ${requests}`),
    )
    .join(' · ');
}
