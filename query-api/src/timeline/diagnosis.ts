import type { Diagnosis } from '../contract/diagnosis.js';
import type { Hop, TimeBudget, TimelineError } from '../contract/request-timeline.js';
import { MIN_BASELINE_SAMPLES } from './time-budget.js';

export interface DiagnosisInput {
  /** The hops with their call tree (`parent`, `depth`) and own times. */
  readonly hops: readonly Hop[];
  readonly errors: readonly TimelineError[];
  /** What the client got. */
  readonly finalStatus: number | null;
  /** What the gateway logged of why it refused the call (timeline/policy-path.ts). */
  readonly rejectionEvidence: string | null;
  readonly budget: TimeBudget;
}

/** Without a route baseline, a request that did not fail is called slow from this duration. */
export const SLOW_WITHOUT_BASELINE_MS = 5_000;
/** With one, it is slow beyond its p95 and this many times its median. */
export const SLOW_RATIO_TO_MEDIAN = 3;

const UNREACHABLE_STATUSES = new Set([502, 503, 504]);

/**
 * Says where a request failed and why, or where its time went, from its hops. The cases, in the
 * order they are tried:
 *
 * - rejected by the gateway: it answered an error and called no backend (the failed policy
 *   filter, or else the status, tells OAuth 401, scope 403, quota 429, size 413, WAF);
 * - the gateway failed after the backend answered: the last outbound leg got a success, the
 *   client an error (a response policy);
 * - backend unreachable: an outbound leg got 502/503/504 or no status, and no service logged it;
 * - backend error: the deepest service with a server error in the call tree, not the first one
 *   (its callers only passed the failure on);
 * - backend client error: the deepest service that answered 4xx;
 * - slow, for a request that did not fail: the hop with the most own time.
 */
export function diagnose(input: DiagnosisInput): Diagnosis {
  const { hops, finalStatus } = input;
  const root = hops.find((hop) => hop.kind !== 'service' && (hop.leg ?? 0) === 0);
  const failed = finalStatus !== null ? finalStatus >= 400 : root?.outcome === 'failure';
  if (!failed) return slowOrOk(input, root);

  const outbound = hops.filter((hop) => hop.kind === 'gateway_leg' && (hop.leg ?? 0) >= 1);
  const services = hops.filter((hop) => hop.kind === 'service');
  const childrenOf = (hop: Hop) => hops.filter((other) => other.parent === hop.index);
  const gateway = root?.service ?? null;

  if (root && outbound.length === 0 && services.length === 0 && finalStatus !== null) {
    const reason = rejectionReason(finalStatus, input.rejectionEvidence);
    if (root.kind === 'gateway_leg' || reason !== 'policy')
      return {
        kind: 'rejected_by_gateway',
        origin: 'gateway',
        service: gateway,
        reason,
        status: finalStatus,
        error: null,
        summary:
          `Rejected by the gateway (${REASON_TEXT[reason]}) with ${finalStatus}, before any backend call` +
          (input.rejectionEvidence ? `: ${input.rejectionEvidence}` : ''),
        hops: [root.index],
      };
  }

  const lastLeg = outbound
    .filter((leg) => leg.transactionId === root?.transactionId)
    .sort((a, b) => (a.leg ?? 0) - (b.leg ?? 0) || Date.parse(a.start) - Date.parse(b.start))
    .at(-1);
  if (root && lastLeg?.status != null && lastLeg.status < 400 && finalStatus !== null)
    return {
      kind: 'gateway_failed_after_backend',
      origin: 'gateway',
      service: gateway,
      reason: null,
      status: finalStatus,
      error: null,
      summary: `The gateway turned the backend's ${lastLeg.status} into a ${finalStatus}: a response policy failed after the backend answered`,
      hops: [root.index, lastLeg.index, ...childrenOf(lastLeg).map((hop) => hop.index)],
    };

  const unreachable = outbound.find(
    (leg) =>
      (leg.status === null || UNREACHABLE_STATUSES.has(leg.status)) &&
      !childrenOf(leg).some((child) => child.kind === 'service'),
  );
  if (unreachable && (finalStatus === null || finalStatus >= 500)) {
    const timedOut = unreachable.status === null || unreachable.status === 504;
    return {
      kind: 'backend_unreachable',
      origin: 'network',
      service: unreachable.path,
      reason: timedOut ? 'timeout' : 'unreachable',
      status: unreachable.status,
      error: null,
      summary:
        `Backend ${timedOut ? 'timed out' : 'unreachable'}: gateway leg ${unreachable.leg ?? '?'}` +
        ` to ${unreachable.path ?? 'its backend'} got ${unreachable.status ?? 'no answer'} after ` +
        `${formatMs(unreachable.durationMs)}, and no service logged the call`,
      hops: [unreachable.index, ...(root ? [root.index] : [])],
    };
  }

  const serverError = deepest(
    services.filter((hop) => (hop.status ?? 0) >= 500 || hop.outcome === 'failure'),
    hops,
  );
  if (serverError && (finalStatus === null || finalStatus >= 500))
    return backendFailure('backend_error', serverError, input);
  const clientError = deepest(
    services.filter((hop) => (hop.status ?? 0) >= 400 && (hop.status ?? 0) < 500),
    hops,
  );
  if (clientError) return backendFailure('backend_client_error', clientError, input);
  if (serverError) return backendFailure('backend_error', serverError, input);

  // The services logged no status (some log it only in their message): the gateway's leg says
  // what the backend it reached answered.
  const failingLeg = outbound.find((leg) => (leg.status ?? 0) >= 400);
  if (failingLeg) {
    const reached = childrenOf(failingLeg).find((child) => child.kind === 'service');
    const status = failingLeg.status ?? 0;
    const where = reached
      ? `${reached.service} answered ${status} (as gateway leg ${failingLeg.leg ?? '?'} saw it; its log gives no status)`
      : `the backend behind gateway leg ${failingLeg.leg ?? '?'} (${failingLeg.path ?? '?'}) answered ${status}; it logged nothing Ariane received`;
    const own = reached
      ? input.errors.find((error) => reached.eventIds.includes(error.eventId))
      : undefined;
    return {
      kind: status >= 500 ? 'backend_error' : 'backend_client_error',
      origin: 'backend',
      service: reached?.service ?? null,
      reason: null,
      status,
      error: own ? { code: own.code, type: own.type, message: own.message } : null,
      summary: `${status >= 500 ? 'Backend error' : 'Refused by the backend'}: ${where}`,
      hops: reached ? [reached.index, failingLeg.index] : [failingLeg.index],
    };
  }
  return {
    kind: 'unknown',
    origin: null,
    service: null,
    reason: null,
    status: finalStatus,
    error: null,
    summary: `Failed with ${finalStatus ?? 'no status'}; the hops do not show where`,
    hops: root ? [root.index] : [],
  };
}

/** Of failing services, the one deepest in the call tree (ties: the earliest). */
function deepest(failing: readonly Hop[], hops: readonly Hop[]): Hop | undefined {
  const failingIndices = new Set(failing.map((hop) => hop.index));
  const leaves = failing.filter(
    (hop) => !hops.some((other) => other.parent === hop.index && failingIndices.has(other.index)),
  );
  return [...leaves].sort(
    (a, b) => b.depth - a.depth || Date.parse(a.start) - Date.parse(b.start),
  )[0];
}

function backendFailure(
  kind: 'backend_error' | 'backend_client_error',
  origin: Hop,
  input: DiagnosisInput,
): Diagnosis {
  const own = input.errors.filter((error) => origin.eventIds.includes(error.eventId));
  const error = own.find((candidate) => candidate.message !== null) ?? own[0];
  const chain: Hop[] = [];
  for (let at: Hop | undefined = origin; at; at = input.hops[at.parent ?? -1]) chain.push(at);
  const propagated = chain
    .slice(1)
    .filter((hop) => hop.status !== null)
    .map(
      (hop) => `${hop.kind === 'service' ? hop.service : `leg ${hop.leg ?? '?'}`} ${hop.status}`,
    );
  const what = kind === 'backend_error' ? 'Backend error' : 'Refused by the backend';
  // A failing service no clock could place may be the true origin: say so rather than guess.
  const unplaced = input.hops.filter(
    (hop) =>
      hop.link === 'unresolved' &&
      hop.index !== origin.index &&
      ((hop.status ?? 0) >= 400 || hop.outcome === 'failure'),
  );
  return {
    kind,
    origin: 'backend',
    service: origin.service,
    reason: null,
    status: origin.status,
    error: error ? { code: error.code, type: error.type, message: error.message } : null,
    summary:
      `${what} in ${origin.service}: ${origin.status ?? 'failure'}` +
      (error?.message ? ` ${error.code ? `${error.code} ` : ''}${error.message}` : '') +
      (propagated.length > 0 ? ` (passed on: ${propagated.join(' → ')})` : '') +
      (unplaced.length > 0
        ? `; ${unplaced.map((hop) => hop.service).join(', ')} also failed but its clock is off: it may be the origin`
        : ''),
    hops: [...chain, ...unplaced].map((hop) => hop.index),
  };
}

function slowOrOk(input: DiagnosisInput, root: Hop | undefined): Diagnosis {
  const { budget } = input;
  const total = budget.totalMs;
  const baseline =
    budget.baseline && budget.baseline.samples >= MIN_BASELINE_SAMPLES ? budget.baseline : null;
  const slow =
    total !== null &&
    (baseline
      ? total > baseline.p95Ms && total >= SLOW_RATIO_TO_MEDIAN * baseline.p50Ms
      : total >= SLOW_WITHOUT_BASELINE_MS);
  const dominant = budget.dominantHop === null ? undefined : input.hops[budget.dominantHop];
  if (!slow || !dominant)
    return {
      kind: 'ok',
      origin: null,
      service: null,
      reason: null,
      status: input.finalStatus,
      error: null,
      summary:
        `Answered ${input.finalStatus ?? '?'} in ${formatMs(total)}` +
        (budget.ratioToMedian !== null ? ` (${budget.ratioToMedian}× the route's median)` : ''),
      hops: root ? [root.index] : [],
    };
  const where =
    dominant.kind === 'service'
      ? dominant.service
      : dominant.leg === 0
        ? 'the gateway'
        : `the network to ${dominant.path ?? 'a backend'} (leg ${dominant.leg ?? '?'})`;
  return {
    kind: 'slow',
    origin: null,
    service: dominant.kind === 'service' ? dominant.service : null,
    reason: null,
    status: input.finalStatus,
    error: null,
    summary:
      `Slow: ${formatMs(total)}` +
      (baseline
        ? `, ${budget.ratioToMedian ?? '?'}× the route's median (p50 ${formatMs(baseline.p50Ms)}, p95 ${formatMs(baseline.p95Ms)})`
        : '') +
      `; ${formatMs(dominant.selfMs)} of it in ${where}`,
    hops: [dominant.index, ...budget.criticalPath.filter((index) => index !== dominant.index)],
  };
}

type RejectionReason = 'oauth' | 'scope' | 'quota' | 'size' | 'waf' | 'policy';

const REASON_TEXT: Record<RejectionReason, string> = {
  oauth: 'OAuth: no valid token',
  scope: 'OAuth scope: the token does not grant this API',
  quota: 'quota exceeded',
  size: 'request too large',
  waf: 'web application firewall',
  policy: 'a gateway policy',
};

/** The failed policy filter says what rejected the call; without it, the status does if it can. */
function rejectionReason(status: number, evidence: string | null): RejectionReason {
  const filter = evidence?.toLowerCase() ?? '';
  if (/waf|firewall|modsecurity|threat/.test(filter)) return 'waf';
  if (/scope/.test(filter)) return 'scope';
  if (/quota|throttl|rate ?limit/.test(filter)) return 'quota';
  if (/size|content.?length/.test(filter)) return 'size';
  if (/oauth|token|authn|authentication|api ?key|www-authenticate/.test(filter))
    return status === 403 ? 'scope' : 'oauth';
  switch (status) {
    case 401:
      return 'oauth';
    // 403 is a scope check as often as the web application firewall: without the policy path,
    // the diagnosis does not guess.
    case 413:
      return 'size';
    case 429:
      return 'quota';
    default:
      return 'policy';
  }
}

function formatMs(ms: number | null): string {
  if (ms === null) return '?';
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
