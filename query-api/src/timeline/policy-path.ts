import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';

interface PolicyFilter {
  name?: unknown;
  type?: unknown;
  status?: unknown;
}

/**
 * What says why the gateway refused a call, better than its status does (a 403 may be a scope
 * check or the web application firewall): the first filter that failed in the transaction's
 * Axway policy path (`ariane.circuit_path`: policies, each with its filters and their status),
 * as `policy filter "name (type)"`; else the OAuth error the gateway sent back in
 * WWW-Authenticate (RFC 6750: `invalid_token`, `insufficient_scope`). Null when neither was
 * logged.
 *
 * The policy path line carries no X-Tenant-Id, so a tenant-scoped read does not see it unless
 * ingest stamped the tenant on it; the response header sits on leg 0 itself.
 */
export function rejectionEvidence(
  events: readonly TraceEvent[],
  transactionId: string | null,
): string | null {
  return failedFilter(events, transactionId) ?? oauthChallenge(events, transactionId);
}

const OAUTH_ERROR = /^www-authenticate:\s*(bearer\b.*\berror="?[a-z_]+"?.*)$/im;

function oauthChallenge(events: readonly TraceEvent[], transactionId: string | null) {
  const leg0 = events.find(
    (event) =>
      event.event.dataset === 'axway.leg' &&
      event.ariane.leg === 0 &&
      (event.transaction?.id ?? null) === transactionId,
  );
  const match = OAUTH_ERROR.exec(leg0?.ariane.response_headers ?? '');
  return match?.[1] ? `WWW-Authenticate: ${match[1].trim()}` : null;
}

function failedFilter(events: readonly TraceEvent[], transactionId: string | null) {
  if (transactionId === null) return null;
  const path = events.find(
    (event) =>
      event.event.dataset === 'axway.circuit_path' && event.transaction?.id === transactionId,
  )?.ariane.circuit_path;
  if (!Array.isArray(path)) return null;
  for (const policy of path as unknown[]) {
    const filters = (policy as { filters?: unknown } | null)?.filters;
    if (!Array.isArray(filters)) continue;
    const failed = (filters as PolicyFilter[]).find(
      (filter) => filter?.status === 'Fail' || filter?.status === 'Error',
    );
    if (failed && typeof failed.name === 'string')
      return `policy filter "${typeof failed.type === 'string' ? `${failed.name} (${failed.type})` : failed.name}" failed`;
  }
  return null;
}
