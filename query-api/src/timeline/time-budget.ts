import type { RouteBaseline, TimeBudget } from '../contract/request-timeline.js';

/** Fewer samples than this make no usual duration to compare with. */
export const MIN_BASELINE_SAMPLES = 20;

/** What the time budget needs to know of a hop, once the call tree is built. */
export interface TimedHop {
  readonly kind: 'gateway_leg' | 'gateway_access' | 'service';
  readonly leg: number | null;
  readonly startMs: number;
  readonly endMs: number;
  readonly parent: number | null;
}

/**
 * Each hop's own time: its duration minus the part of it its children cover. Overlapping
 * (parallel) children count once, and a child sticking out of its parent counts only inside it.
 */
export function selfTimes(hops: readonly TimedHop[]): number[] {
  const children = childrenOf(hops);
  return hops.map((hop, index) => {
    const covered = unionLength(
      (children.get(index) ?? []).map((child) => [
        Math.max(hop.startMs, hops[child]?.startMs ?? 0),
        Math.min(hop.endMs, hops[child]?.endMs ?? 0),
      ]),
    );
    return Math.max(0, hop.endMs - hop.startMs - covered);
  });
}

/**
 * The hops the request waited on, root first. From the end of a hop, walk back through the
 * children that ended last: the one finishing at the end, then the one finishing before that one
 * started, and so on (sequential calls are all on the path; of parallel calls, the longest).
 */
export function criticalPath(hops: readonly TimedHop[], root: number | undefined): number[] {
  if (root === undefined) return [];
  const children = childrenOf(hops);
  const path: number[] = [];
  const walk = (index: number, untilMs: number) => {
    path.push(index);
    let cursor = Math.min(untilMs, hops[index]?.endMs ?? untilMs);
    const byEnd = [...(children.get(index) ?? [])].sort(
      (a, b) => (hops[b]?.endMs ?? 0) - (hops[a]?.endMs ?? 0),
    );
    const taken: number[] = [];
    for (const child of byEnd) {
      const hop = hops[child];
      // After the last one to end, only calls that had ended when the next one started.
      if (!hop || hop.startMs >= cursor || (taken.length > 0 && hop.endMs > cursor)) continue;
      taken.unshift(child);
      cursor = hop.startMs;
    }
    for (const child of taken) walk(child, hops[child]?.endMs ?? 0);
  };
  walk(root, Infinity);
  return path;
}

/**
 * Where the time went: the gateway's own time (leg 0's self time), the network and connection
 * time of the outbound legs (their self time, counted only for legs a service logged under, so
 * an unlogged backend is not blamed on the network), the backends' time, and the comparison
 * with the route's usual duration.
 */
export function timeBudget(
  hops: readonly TimedHop[],
  self: readonly number[],
  totalMs: number | null,
  baseline: RouteBaseline | null,
): TimeBudget {
  const root = hops.findIndex((hop) => hop.kind !== 'service' && (hop.leg ?? 0) === 0);
  const children = childrenOf(hops);
  const outbound = hops.flatMap((hop, index) =>
    hop.kind === 'gateway_leg' && (hop.leg ?? 0) >= 1 ? [index] : [],
  );
  const reached = outbound.filter((leg) => (children.get(leg) ?? []).length > 0);
  const calledServices = (root >= 0 ? [root, ...outbound] : []).flatMap((index) =>
    (children.get(index) ?? []).filter((child) => hops[child]?.kind === 'service'),
  );
  const dominant = self.reduce<number | null>(
    (best, ms, index) => (best === null || ms > (self[best] ?? 0) ? index : best),
    null,
  );
  const path = criticalPath(hops, root >= 0 ? root : undefined);
  return {
    totalMs,
    gatewayMs: root >= 0 && hops[root]?.kind === 'gateway_leg' ? (self[root] ?? null) : null,
    networkMs: reached.length > 0 ? sum(reached.map((leg) => self[leg] ?? 0)) : null,
    backendMs:
      calledServices.length > 0
        ? sum(calledServices.map((index) => durationOf(hops[index])))
        : null,
    criticalPath: path,
    dominantHop: dominant,
    baseline,
    ratioToMedian:
      baseline && baseline.samples >= MIN_BASELINE_SAMPLES && totalMs !== null && baseline.p50Ms > 0
        ? Math.round((totalMs / baseline.p50Ms) * 10) / 10
        : null,
  };
}

function childrenOf(hops: readonly TimedHop[]): Map<number, number[]> {
  const children = new Map<number, number[]>();
  hops.forEach((hop, index) => {
    if (hop.parent === null) return;
    children.set(hop.parent, [...(children.get(hop.parent) ?? []), index]);
  });
  return children;
}

/** Total length covered by intervals that may overlap. */
function unionLength(intervals: readonly number[][]): number {
  const sorted = intervals
    .filter(([start = 0, end = 0]) => end > start)
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  let covered = 0;
  let reach = -Infinity;
  for (const [start = 0, end = 0] of sorted) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return covered;
}

function durationOf(hop: TimedHop | undefined): number {
  return hop ? hop.endMs - hop.startMs : 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
