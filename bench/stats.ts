/** Small measurement helpers shared by the benchmarks. */

/** The `p`-th percentile (0..100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
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
