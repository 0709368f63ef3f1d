/**
 * Raw HTTP header blocks as Axway records them: the start line, then `Name: value` lines,
 * separated by CRLF (LF alone is tolerated). Names are case-insensitive, and Axway mixes cases.
 */
export interface RawHeaders {
  /** The request or status line, e.g. `GET /v1/units?x=1 HTTP/1.1`. */
  readonly startLine: string | undefined;
  /** Every value of a header, by lower-case name, in order of appearance. */
  get(name: string): readonly string[];
}

const NO_VALUES: readonly string[] = [];

export function parseRawHeaders(block: string | null | undefined): RawHeaders {
  const values = new Map<string, string[]>();
  let startLine: string | undefined;
  if (block) {
    const lines = block.split(/\r?\n/);
    for (const line of lines) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      // The start line has no colon before its first space (`HTTP/1.1 200 OK`, `GET /a:b ...`).
      const space = line.indexOf(' ');
      if (colon <= 0 || (space >= 0 && space < colon)) {
        startLine ??= line;
        continue;
      }
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const list = values.get(name);
      if (list) list.push(value);
      else values.set(name, [value]);
    }
  }
  return { startLine, get: (name) => values.get(name.toLowerCase()) ?? NO_VALUES };
}

/** First non-empty value of the first header name, in the first block that has it. */
export function firstHeader(blocks: readonly RawHeaders[], name: string): string | undefined {
  for (const block of blocks) {
    const value = block.get(name).find((v) => v !== '');
    if (value !== undefined) return value;
  }
  return undefined;
}
