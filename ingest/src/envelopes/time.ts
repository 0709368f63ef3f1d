/**
 * Shippers' timestamps, read without `Date.parse` (whose handling of nanosecond fractions and
 * of non-ISO forms varies) and without regular expressions: this runs for every record.
 */

/** Largest |epoch ms| a JS Date holds; beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Epoch ms of an RFC 3339 timestamp (`2026-11-20T10:00:00.123456789Z`, `…+01:00`), fractions of
 * any length, `T` or a space between date and time; undefined when it is not one.
 */
export function rfc3339Ms(s: string): number | undefined {
  if (s.length < 20 || s.length > 40) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const sep = s[10];
  if (
    s[4] !== '-' ||
    s[7] !== '-' ||
    (sep !== 'T' && sep !== 't' && sep !== ' ') ||
    s[13] !== ':' ||
    s[16] !== ':' ||
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60
  )
    return undefined;
  let i = 19;
  let fractionMs = 0;
  if (s[i] === '.') {
    const start = ++i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    if (i === start) return undefined;
    fractionMs = digits((s.slice(start, Math.min(i, start + 3)) + '00').slice(0, 3), 0, 3);
  }
  let offsetMin = 0;
  const zone = s[i];
  if (zone === 'Z' || zone === 'z') i++;
  else if (zone === '+' || zone === '-') {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (s[i + 3] !== ':' || oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetMin = (zone === '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else return undefined;
  if (i !== s.length) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + fractionMs - offsetMin * 60_000;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Epoch ms of epoch seconds with a fraction (Fluent Bit `date`, `double` timestamps). */
export function epochSecondsMs(value: number): number | undefined {
  const ms = Math.round(value * 1000);
  return Number.isFinite(ms) && ms > 0 && ms < MAX_DATE_MS ? ms : undefined;
}

/** Epoch ms of OTLP nanoseconds (a decimal string in OTLP JSON, as every 64-bit integer is). */
export function unixNanoMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value > 0 ? epochMs(Math.floor(value / 1e6)) : undefined;
  if (typeof value !== 'string' || value.length <= 6 || value.length > 25) return undefined;
  const millis = value.slice(0, -6);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return epochMs(Number(millis));
}

function epochMs(ms: number): number | undefined {
  return Number.isFinite(ms) && ms > 0 && ms < MAX_DATE_MS ? ms : undefined;
}

export function isoOf(ms: number | undefined): string | undefined {
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS
    ? new Date(ms).toISOString()
    : undefined;
}
