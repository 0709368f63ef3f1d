import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';

interface PolicyFilter {
  name?: unknown;
  type?: unknown;
  status?: unknown;
}

/**
 * The first filter that failed in a transaction's Axway policy path (`ariane.circuit_path`, as
 * the gateway logged it: policies, each with its filters and their status), as "name (type)".
 * It says what rejected a call better than the status does: a 403 may be a scope check or the
 * web application firewall. Null when the path was not logged or nothing in it failed.
 */
export function failedPolicyFilter(
  events: readonly TraceEvent[],
  transactionId: string | null,
): string | null {
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
      return typeof failed.type === 'string' ? `${failed.name} (${failed.type})` : failed.name;
  }
  return null;
}
