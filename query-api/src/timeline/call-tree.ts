import type { TreeLink } from '../contract/request-timeline.js';

/** What the call tree needs to know of a hop. */
export interface TreeNode {
  readonly kind: 'gateway_leg' | 'gateway_access' | 'service';
  /** Axway correlation id: a gateway hop's transaction, or the X-CorrelationID a service logged. */
  readonly transactionId: string | null;
  readonly leg: number | null;
  readonly startMs: number;
  readonly endMs: number;
  /** Span ids the hop's events carry (W3C trace context, or the gateway leg's own). */
  readonly spanIds: readonly string[];
  /** Span ids of the caller, as the hop's events logged them (`parent.id`). */
  readonly parentSpanIds: readonly string[];
}

export interface CallTree {
  /** Per hop: the index of its caller, or null for a root or an unresolved hop. */
  readonly parent: readonly (number | null)[];
  readonly link: readonly TreeLink[];
  readonly depth: readonly number[];
  /** Depth first: each parent before its children, roots and siblings by start. */
  readonly order: readonly number[];
}

/**
 * Slack on containment, for timestamps rounded to the millisecond on different hosts: a callee
 * may seem to start or end a hair outside its caller.
 */
export const CONTAINMENT_SLACK_MS = 2;

const contains = (outer: TreeNode, inner: TreeNode) =>
  outer.startMs - CONTAINMENT_SLACK_MS <= inner.startMs &&
  inner.endMs <= outer.endMs + CONTAINMENT_SLACK_MS;

/** Overlapping without either containing the other: two clocks disagree, or parallel calls. */
const crosses = (a: TreeNode, b: TreeNode) =>
  a.startMs < b.endMs - CONTAINMENT_SLACK_MS &&
  b.startMs < a.endMs - CONTAINMENT_SLACK_MS &&
  !contains(a, b) &&
  !contains(b, a);

/**
 * Who called whom, from what the hops say first and from their times only when they say
 * nothing:
 *
 * 1. Gateway legs: an outbound leg's caller is leg 0 of its transaction.
 * 2. Trace context: a hop whose `parent.id` is another hop's span id.
 * 3. X-CorrelationID: a service that logged the gateway's correlation id was called by an
 *    outbound leg of that transaction (the one containing it, else the nearest start). A leg
 *    calls one backend.
 * 4. Containment, for the rest: the innermost hop whose time span contains the service (an
 *    unclaimed outbound leg, a gateway access line, or a placed service), outer services first. When another candidate crosses it (two clocks disagree, or a
 *    parallel call), the link is `ambiguous`; when nothing contains it (its host's clock is
 *    skewed beyond the slack), it stays `unresolved`, with no parent, rather than a confident
 *    wrong one.
 */
export function buildCallTree(nodes: readonly TreeNode[]): CallTree {
  const parent: (number | null)[] = nodes.map(() => null);
  const link: TreeLink[] = nodes.map((node) => (node.kind === 'service' ? 'unresolved' : 'root'));
  const claimedLegs = new Set<number>();
  const isOutboundLeg = (index: number) =>
    nodes[index]?.kind === 'gateway_leg' && (nodes[index]?.leg ?? 0) >= 1;
  const attach = (child: number, to: number, how: TreeLink) => {
    parent[child] = to;
    link[child] = how;
    if (isOutboundLeg(to)) claimedLegs.add(to);
  };
  const isAncestor = (candidate: number, of: number) => {
    for (let at: number | null = of; at !== null; at = parent[at] ?? null)
      if (at === candidate) return true;
    return false;
  };

  // 1. Gateway legs under their transaction's leg 0.
  const inbound = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (node.kind === 'gateway_leg' && node.leg === 0) inbound.set(node.transactionId ?? '', index);
  });
  nodes.forEach((node, index) => {
    const root = inbound.get(node.transactionId ?? '');
    if (isOutboundLeg(index) && root !== undefined) attach(index, root, 'gateway');
  });

  // 2. Trace context.
  const bySpan = new Map<string, number>();
  nodes.forEach((node, index) => node.spanIds.forEach((span) => bySpan.set(span, index)));
  const services = nodes.flatMap((node, index) => (node.kind === 'service' ? [index] : []));
  for (const index of services) {
    const caller = nodes[index]?.parentSpanIds
      .map((span) => bySpan.get(span))
      .find((found) => found !== undefined && found !== index && !isAncestor(index, found));
    if (caller !== undefined) attach(index, caller, 'trace_context');
  }

  // 3. X-CorrelationID: the service named the transaction whose leg called it.
  for (const index of services) {
    const node = nodes[index] as TreeNode;
    if (link[index] !== 'unresolved' || node.transactionId === null) continue;
    const legs = nodes
      .map((leg, legIndex) => ({ leg, legIndex }))
      .filter(
        ({ leg, legIndex }) =>
          isOutboundLeg(legIndex) &&
          !claimedLegs.has(legIndex) &&
          leg.transactionId === node.transactionId,
      );
    if (legs.length === 0) continue;
    const containing = legs.filter(({ leg }) => contains(leg, node));
    const pool = containing.length > 0 ? containing : legs;
    const nearest = pool.reduce((best, candidate) =>
      Math.abs(candidate.leg.startMs - node.startMs) < Math.abs(best.leg.startMs - node.startMs)
        ? candidate
        : best,
    );
    // Outside every leg with more than one leg to choose from: the transaction is certain, the
    // leg is a guess.
    attach(
      index,
      nearest.legIndex,
      containing.length === 0 && legs.length > 1 ? 'ambiguous' : 'correlation',
    );
  }

  // 4. Containment, outermost services first so that callers are placed before callees. A
  // request seen by no gateway has a service for its root.
  const gatewaySeen = nodes.some((node) => node.kind !== 'service');
  const rest = services
    .filter((index) => link[index] === 'unresolved')
    .sort((a, b) => span(nodes[b]) - span(nodes[a]) || a - b);
  for (const index of rest) {
    const node = nodes[index] as TreeNode;
    const candidates = nodes
      .map((candidate, candidateIndex) => ({ candidate, candidateIndex }))
      .filter(
        ({ candidate, candidateIndex }) =>
          candidateIndex !== index &&
          (candidate.kind === 'service'
            ? link[candidateIndex] !== 'unresolved'
            : candidate.kind === 'gateway_access' ||
              (isOutboundLeg(candidateIndex) && !claimedLegs.has(candidateIndex))) &&
          !isAncestor(index, candidateIndex),
      );
    const containers = candidates.filter(({ candidate }) => contains(candidate, node));
    if (containers.length === 0) {
      if (!gatewaySeen) link[index] = 'root';
      continue;
    }
    const innermost = containers.reduce((best, next) =>
      span(next.candidate) < span(best.candidate) ? next : best,
    );
    const nested = containers.every(({ candidate }) => contains(candidate, innermost.candidate));
    const crossed = candidates.some(
      ({ candidate, candidateIndex }) =>
        candidate.kind === 'service' &&
        candidateIndex !== innermost.candidateIndex &&
        contains(innermost.candidate, candidate) &&
        crosses(candidate, node),
    );
    attach(index, innermost.candidateIndex, nested && !crossed ? 'inferred' : 'ambiguous');
  }

  const depth = nodes.map((_node, index) => {
    let levels = 0;
    for (let at = parent[index] ?? null; at !== null; at = parent[at] ?? null) levels += 1;
    return levels;
  });
  return { parent, link, depth, order: depthFirst(nodes, parent) };
}

function span(node: TreeNode | undefined): number {
  return node ? node.endMs - node.startMs : 0;
}

function depthFirst(nodes: readonly TreeNode[], parent: readonly (number | null)[]): number[] {
  const children = new Map<number | null, number[]>();
  nodes.forEach((_node, index) => {
    const key = parent[index] ?? null;
    children.set(key, [...(children.get(key) ?? []), index]);
  });
  const byStart = (a: number, b: number) =>
    (nodes[a]?.startMs ?? 0) - (nodes[b]?.startMs ?? 0) || a - b;
  // Gateway roots first, then services no clock could place.
  const roots = (children.get(null) ?? []).sort(
    (a, b) =>
      Number(nodes[a]?.kind === 'service') - Number(nodes[b]?.kind === 'service') || byStart(a, b),
  );
  const order: number[] = [];
  const visit = (index: number) => {
    order.push(index);
    for (const child of (children.get(index) ?? []).sort(byStart)) visit(child);
  };
  roots.forEach(visit);
  return order;
}
