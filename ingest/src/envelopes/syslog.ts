import { factsOf } from './facts.js';
import type { TextLine } from './opened.js';
import { rfc3339Ms } from './time.js';

/**
 * A syslog line as rsyslog or syslog-ng forward it, with or without the `<PRI>` (omkafka
 * templates often leave it out):
 * - RFC 5424: `1 TIMESTAMP HOST APP-NAME PROCID MSGID SD MSG` (RSYSLOG_SyslogProtocol23Format);
 *   an SD param `path` or `filename` (imfile metadata) is the file the line was read from;
 * - RFC 3164: `Mmm dd hh:mm:ss HOST TAG[PID]: MSG` (no year, so no shipper time);
 * - rsyslog's high-precision traditional form: `RFC3339-TIME HOST TAG[PID]: MSG`.
 * Without a `<PRI>`, RFC 5424 needs a real timestamp (not `-`), so prose starting with "1 " is
 * not taken for syslog.
 */
export function parseSyslogLine(line: string): TextLine | undefined {
  let pos = 0;
  let hasPri = false;
  if (line.charCodeAt(0) === 0x3c /* < */) {
    let pri = 0;
    let i = 1;
    while (i < 4 && isDigit(line.charCodeAt(i))) pri = pri * 10 + line.charCodeAt(i++) - 0x30;
    if (i === 1 || line[i] !== '>' || pri > 191) return undefined;
    pos = i + 1;
    hasPri = true;
  }
  const c = line.charCodeAt(pos);
  if (c === 0x31 /* 1 */ && line[pos + 1] === ' ') return rfc5424(line, pos + 2, hasPri);
  if (c >= 0x41 && c <= 0x5a) return rfc3164(line, pos);
  if (isDigit(c)) return rfc3339Traditional(line, pos);
  return undefined;
}

const MONTHS = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The space-delimited token at `pos`, of at most `max` characters, or undefined. */
function token(line: string, pos: number, max: number): string | undefined {
  const end = line.indexOf(' ', pos);
  if (end <= pos || end - pos > max) return undefined;
  return line.slice(pos, end);
}

function nil(value: string): string | undefined {
  return value === '-' ? undefined : value;
}

function rfc5424(line: string, from: number, hasPri: boolean): TextLine | undefined {
  let pos = from;
  const fields: string[] = [];
  // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, with RFC 5424's length limits.
  for (const max of [40, 255, 48, 128, 32]) {
    const value = token(line, pos, max);
    if (value === undefined) return undefined;
    fields.push(value);
    pos += value.length + 1;
  }
  const [time, host, app] = fields as [string, string, string];
  const timeMs = time === '-' ? undefined : rfc3339Ms(time);
  if (timeMs === undefined && (time !== '-' || !hasPri)) return undefined;
  let filePath: string | undefined;
  if (line[pos] === '-') pos++;
  else if (line[pos] === '[') {
    const sd = structuredData(line, pos);
    if (sd === undefined) return undefined;
    pos = sd.end;
    filePath = sd.filePath;
  } else return undefined;
  if (pos < line.length && line[pos] !== ' ') return undefined;
  let message = pos < line.length ? line.slice(pos + 1) : '';
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  return {
    content: message,
    facts: factsOf({ shippedAtMs: timeMs, hostName: nil(host), appName: nil(app), filePath }),
    partial: false,
  };
}

/** SD-ELEMENTs from `[` on; undefined if malformed. Only the file path is kept. */
function structuredData(
  line: string,
  from: number,
): { readonly end: number; readonly filePath: string | undefined } | undefined {
  let pos = from;
  let filePath: string | undefined;
  while (line[pos] === '[') {
    pos++;
    const idStart = pos;
    while (pos < line.length && line[pos] !== ' ' && line[pos] !== ']') pos++;
    if (pos === idStart) return undefined;
    while (line[pos] === ' ') {
      const nameStart = ++pos;
      while (pos < line.length && line[pos] !== '=' && line[pos] !== ' ' && line[pos] !== ']')
        pos++;
      if (pos === nameStart || line[pos] !== '=' || line[pos + 1] !== '"') return undefined;
      const name = line.slice(nameStart, pos);
      pos += 2;
      let value = '';
      let chunk = pos;
      for (;;) {
        const ch = line[pos];
        if (ch === undefined) return undefined;
        if (
          ch === '\\' &&
          (line[pos + 1] === '"' || line[pos + 1] === '\\' || line[pos + 1] === ']')
        ) {
          value += line.slice(chunk, pos);
          chunk = pos + 1;
          pos += 2;
        } else if (ch === '"') {
          value += line.slice(chunk, pos);
          pos++;
          break;
        } else pos++;
      }
      if ((name === 'path' || name === 'filename') && value !== '') filePath ??= value;
    }
    if (line[pos] !== ']') return undefined;
    pos++;
  }
  return { end: pos, filePath };
}

function rfc3164(line: string, pos: number): TextLine | undefined {
  if (!MONTHS.has(line.slice(pos, pos + 3)) || line[pos + 3] !== ' ') return undefined;
  const d1 = line.charCodeAt(pos + 4);
  if ((d1 !== 0x20 && !isDigit(d1)) || !isDigit(line.charCodeAt(pos + 5))) return undefined;
  if (line[pos + 6] !== ' ' || line[pos + 9] !== ':' || line[pos + 12] !== ':') return undefined;
  for (const i of [7, 8, 10, 11, 13, 14]) if (!isDigit(line.charCodeAt(pos + i))) return undefined;
  if (line[pos + 15] !== ' ') return undefined;
  return hostAndTag(line, pos + 16, undefined);
}

function rfc3339Traditional(line: string, pos: number): TextLine | undefined {
  const time = token(line, pos, 40);
  if (time === undefined) return undefined;
  const timeMs = rfc3339Ms(time);
  if (timeMs === undefined) return undefined;
  return hostAndTag(line, pos + time.length + 1, timeMs);
}

/** `HOST TAG[PID]: MSG` or `HOST TAG: MSG`; the colon is required, or any prose would match. */
function hostAndTag(line: string, from: number, timeMs: number | undefined): TextLine | undefined {
  const host = token(line, from, 255);
  if (host === undefined) return undefined;
  let pos = from + host.length + 1;
  const tagStart = pos;
  while (pos < line.length && pos - tagStart <= 64) {
    const ch = line[pos];
    if (ch === '[' || ch === ':' || ch === ' ') break;
    pos++;
  }
  if (pos === tagStart) return undefined;
  const tag = line.slice(tagStart, pos);
  if (line[pos] === '[') {
    const close = line.indexOf(']', pos);
    if (close === -1 || close - pos > 32) return undefined;
    pos = close + 1;
  }
  if (line[pos] !== ':') return undefined;
  pos++;
  if (line[pos] === ' ') pos++;
  return {
    content: line.slice(pos),
    facts: factsOf({ shippedAtMs: timeMs, hostName: host, appName: tag }),
    partial: false,
  };
}
