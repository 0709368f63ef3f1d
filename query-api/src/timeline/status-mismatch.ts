import type { Anomaly, Hop } from '../contract/request-timeline.js';

/**
 * Every place along the call path where a status changes and one side is an error: the
 * gateway's leg 0 against the last outbound leg (the answer it relayed), a leg against the
 * service it reached, a service against the service it called. Two successes that differ
 * (201 over 200) are not flagged.
 */
export function statusMismatches(hops: readonly Hop[]): Anomaly[] {
  const lastLegOf = new Map<string, Hop>();
  for (const hop of hops)
    if (hop.kind === 'gateway_leg' && (hop.leg ?? 0) >= 1) {
      const key = hop.transactionId ?? '';
      if ((lastLegOf.get(key)?.leg ?? -1) < (hop.leg ?? 0)) lastLegOf.set(key, hop);
    }
  const anomalies: Anomaly[] = [];
  for (const callee of hops) {
    const caller = callee.parent === null ? undefined : hops[callee.parent];
    if (!caller || caller.status === null || callee.status === null) continue;
    if (caller.status === callee.status || Math.max(caller.status, callee.status) < 400) continue;
    const relayed =
      caller.kind !== 'gateway_leg' ||
      caller.leg !== 0 ||
      lastLegOf.get(callee.transactionId ?? '') === callee;
    if (!relayed) continue;
    anomalies.push({
      type: 'status_mismatch',
      message: `${nameOf(caller)} answered ${caller.status} where ${nameOf(callee)}, which it called, answered ${callee.status}`,
      hops: [caller.index, callee.index],
      details: { callerStatus: caller.status, calleeStatus: callee.status },
    });
  }
  return anomalies;
}

function nameOf(hop: Hop): string {
  if (hop.kind === 'service') return hop.service;
  return hop.kind === 'gateway_leg' ? `gateway leg ${hop.leg ?? '?'}` : hop.service;
}
