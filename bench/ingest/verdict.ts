/**
 * The ingest benchmark's arithmetic, kept pure so that a unit test holds it honest: what a
 * figure is compared against, and when a target may be called met.
 *
 * - The raw `_bulk` ceiling is measured before and after the contenders (A B A) on a warm
 *   Elasticsearch; every ratio is taken against the higher of the two, so a cold or disturbed
 *   first ceiling cannot flatter the contenders.
 * - Contenders run several rounds in alternating order; each is summarised by its median and
 *   spread, and a target is met only when it holds on the median of every round's figure, every
 *   round having finished its backlog.
 */

import { median } from '../stats.js';

/** Repeated measurements of one quantity. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median: how far apart the rounds were; 0 for one round. */
  readonly spread: number;
}

export function summarise(values: readonly number[]): Spread {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0)
    return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, spread: Number.NaN };
  const mid = median(finite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return { n: finite.length, median: mid, min, max, spread: mid > 0 ? (max - min) / mid : 0 };
}

/** The ceiling every ratio is quoted against: the higher of the before and after runs. */
export function referenceCeiling(before: number, after: number | undefined): number {
  return after === undefined || !Number.isFinite(after) ? before : Math.max(before, after);
}

/**
 * The order contenders run in, round by round: as given in odd rounds, reversed in even ones,
 * so that none always runs first (on a freshly warmed Elasticsearch) or last.
 */
export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...contenders] : [...contenders].reverse();
}

/** One round of one contender. */
export interface RoundFigure {
  readonly docsPerSecond: number;
  /** False when the run was cut by the deadline or stalled before its backlog was searchable. */
  readonly complete: boolean;
}

export type Verdict = 'met' | 'not met' | 'not measured';

export interface TargetCheck {
  readonly target: string;
  /** The ratio on the medians; NaN when a side was not measured. */
  readonly ratio: number;
  /** The bound: a ratio at least this (throughput), or a value at most this (RSS). */
  readonly bound: number;
  readonly comparison: '>=' | '<=';
  readonly verdict: Verdict;
  /** Why the verdict is what it is, in a few words, for the printed table. */
  readonly reason: string;
}

/**
 * Whether `median(contender) / reference >= atLeast`. "met" only when both sides were measured,
 * every round of the contender completed its backlog, and the ratio on the medians reaches the
 * target; a single lucky round cannot carry it.
 */
export function checkRatio(
  target: string,
  contender: readonly RoundFigure[],
  reference: number,
  atLeast: number,
): TargetCheck {
  const base = { target, bound: atLeast, comparison: '>=' as const };
  if (contender.length === 0 || !Number.isFinite(reference) || reference <= 0)
    return { ...base, ratio: Number.NaN, verdict: 'not measured', reason: 'no figure' };
  const ratio = median(contender.map((round) => round.docsPerSecond)) / reference;
  if (!Number.isFinite(ratio))
    return { ...base, ratio: Number.NaN, verdict: 'not measured', reason: 'no figure' };
  const cut = contender.filter((round) => !round.complete).length;
  if (cut > 0)
    return {
      ...base,
      ratio,
      verdict: 'not met',
      reason: `${cut} of ${contender.length} rounds did not finish`,
    };
  return ratio >= atLeast
    ? { ...base, ratio, verdict: 'met', reason: `median ratio ${ratio.toFixed(2)} >= ${atLeast}` }
    : {
        ...base,
        ratio,
        verdict: 'not met',
        reason: `median ratio ${ratio.toFixed(2)} < ${atLeast}`,
      };
}

/** Whether a measured maximum stays at or under a limit (peak RSS); the worst round counts. */
export function checkAtMost(target: string, values: readonly number[], limit: number): TargetCheck {
  const finite = values.filter((value) => Number.isFinite(value));
  const base = { target, bound: limit, comparison: '<=' as const };
  if (finite.length === 0)
    return { ...base, ratio: Number.NaN, verdict: 'not measured', reason: 'no figure' };
  const worst = Math.max(...finite);
  return {
    ...base,
    ratio: worst / limit,
    verdict: worst <= limit ? 'met' : 'not met',
    reason: `worst round ${worst.toFixed(0)} ${worst <= limit ? '<=' : '>'} ${limit}`,
  };
}

/** CPU seconds spent per 100,000 documents stored. */
export function cpuPer100k(cpuSeconds: number, docs: number): number {
  return docs > 0 ? (cpuSeconds * 100_000) / docs : Number.NaN;
}
