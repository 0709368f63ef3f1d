import { hash } from 'node:crypto';
import { isIP } from 'node:net';
import type { EventFlag } from '../../../core/src/schemas/trace-event.js';

/** Small conversions every format uses to turn input values into valid document fields. */

/**
 * Content-derived `_id`: a replay of the same line lands on the same document. The one-shot
 * `hash` (Node 20.12) costs half of a `createHash` object per document.
 */
export function contentId(prefix: string, identity: Buffer): string {
  return `${prefix}:${hash('sha256', identity, 'base64url').slice(0, 32)}`;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** An IP for an `ip`-typed field, or undefined: a malformed one would fail the whole document. */
export function ipOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return isIP(trimmed) ? trimmed : undefined;
}

/** X-Forwarded-For: the valid IPs it lists, client first. */
export function forwardedIps(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const ips = value.split(',').flatMap((part) => ipOrUndefined(part) ?? []);
  return ips.length > 0 ? ips : undefined;
}

export function portOrUndefined(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** An id-like value as a string: strings and finite numbers only, at most 512 chars. */
export function idOrUndefined(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed !== '' && trimmed.length <= 512 ? trimmed : undefined;
}

/** A non-empty string, or undefined. */
export const textOrUndefined = (value: unknown) =>
  typeof value === 'string' && value !== '' ? value : undefined;

export function outcomeFromHttpStatus(status: number | null | undefined) {
  if (typeof status !== 'number') return 'unknown' as const;
  return status >= 400 ? ('failure' as const) : ('success' as const);
}

/** Splits a request target into path and query; the query has its secrets redacted. */
export function splitTarget(
  target: string,
  redactQuery: (query: string) => { value: string; redacted: boolean },
): { path: string; query: string | undefined; redacted: boolean } {
  const q = target.indexOf('?');
  if (q < 0) return { path: target, query: undefined, redacted: false };
  const query = redactQuery(target.slice(q + 1));
  return { path: target.slice(0, q), query: query.value, redacted: query.redacted };
}

/** Collects flags; returns undefined when there are none, so no empty array is stored. */
export class FlagSet {
  private readonly flags = new Set<EventFlag>();
  add(flag: EventFlag, when = true): this {
    if (when) this.flags.add(flag);
    return this;
  }
  toArray(): EventFlag[] | undefined {
    return this.flags.size > 0 ? [...this.flags] : undefined;
  }
}
