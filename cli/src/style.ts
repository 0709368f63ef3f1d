/** ANSI styling that collapses to plain text when colour is off (not a TTY, NO_COLOR, --json). */
export type Tone = 'ok' | 'warn' | 'bad' | 'dim' | 'bold' | 'accent';

const CODES: Record<Tone, [number, number]> = {
  ok: [32, 39],
  warn: [33, 39],
  bad: [31, 39],
  dim: [2, 22],
  bold: [1, 22],
  accent: [36, 39],
};

export type Paint = (tone: Tone, text: string) => string;

export function painter(colour: boolean): Paint {
  if (!colour) return (_tone, text) => text;
  return (tone, text) => `\u001b[${CODES[tone][0]}m${text}\u001b[${CODES[tone][1]}m`;
}

/** Colour only for a terminal, and never when NO_COLOR is set to anything (no-color.org). */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined;
}

export function statusTone(status: number | null, outcome?: string): Tone {
  if (status !== null && status >= 500) return 'bad';
  if (status !== null && status >= 400) return 'warn';
  if (outcome === 'failure') return 'bad';
  if (status === null) return 'dim';
  return 'ok';
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms.toFixed(1)} ms`;
}
