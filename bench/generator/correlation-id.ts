import type { Random } from './prng.js';

/**
 * An Axway correlation id: 12 bytes as 24 lower-case hex characters. Real ids start with the
 * transaction's unix seconds as a little-endian 32-bit integer (observed in every public sample,
 * undocumented), which lets a reader sanity-check an id against its timestamp.
 */
export function axwayCorrelationId(startMs: number, random: Random): string {
  const seconds = Math.floor(startMs / 1000) >>> 0;
  let prefix = '';
  for (let byte = 0; byte < 4; byte += 1)
    prefix += ((seconds >>> (8 * byte)) & 0xff).toString(16).padStart(2, '0');
  return prefix + random.hex(16);
}

/** The unix seconds a correlation id was minted at, read back from its first four bytes. */
export function correlationIdSeconds(correlationId: string): number {
  let seconds = 0;
  for (let byte = 3; byte >= 0; byte -= 1)
    seconds = seconds * 256 + Number.parseInt(correlationId.slice(byte * 2, byte * 2 + 2), 16);
  return seconds;
}
