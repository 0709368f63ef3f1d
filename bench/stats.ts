/** Small measurement helpers shared by the benchmarks. */

/** The `p`-th percentile (0..100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Median of `values` (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

type Point = readonly [x: number, y: number];

/** Least-squares slope of y per unit of x; 0 with fewer than two distinct x. */
export function leastSquaresSlope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Theil–Sen slope: the median of the slopes between every pair of points (with distinct x); 0
 * with fewer than two. A steady trend, such as a leak, moves it as it moves the least-squares
 * slope. One transient episode (a spike that comes back down) over a minority of the points
 * barely moves it, where it tilts a least-squares line up or down depending on when it falls.
 */
export function theilSenSlope(points: readonly Point[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i += 1)
    for (let j = i + 1; j < points.length; j += 1) {
      const [xi, yi] = points[i] as Point;
      const [xj, yj] = points[j] as Point;
      if (xj !== xi) slopes.push((yj - yi) / (xj - xi));
    }
  return slopes.length === 0 ? 0 : median(slopes);
}

export const round = (value: number, digits = 0) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** A right-aligned Markdown table, readable in a terminal and pasteable into BENCHMARKS.md. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length), 3));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell.padStart(widths[i] as number)).join(' | ')} |`;
  const [head, ...body] = cells as [string[], ...string[][]];
  return [
    line(head),
    `| ${widths.map((w) => `${'-'.repeat(w - 1)}:`).join(' | ')} |`,
    ...body.map(line),
  ].join('\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
export const secondsSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
