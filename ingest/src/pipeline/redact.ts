/**
 * Secrets are removed at ingest, before anything reaches Elasticsearch or the dead-letter topic's
 * readers: credentials in raw header blocks, tokens in URLs and query strings, bearer tokens and
 * JWT-looking strings in free text. Redaction keeps the name and replaces the value, so a reader
 * still sees that a credential was sent.
 */
export const REDACTED = '[REDACTED]';

export interface Redacted {
  readonly value: string;
  readonly redacted: boolean;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'apikey',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'x-amz-security-token',
  'keyid',
]);

/** Header names that look like they carry a credential even when not in the list above. */
const SECRET_HEADER_PATTERN = /(api[-_]?key|secret|token|password|passwd|session|credential)/i;

const SECRET_PARAMS = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'code',
  'signature',
  'sig',
  'session',
  'sessionid',
  'jsessionid',
  'auth',
]);

export function isSecretHeader(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return SECRET_HEADERS.has(lower) || SECRET_HEADER_PATTERN.test(lower);
}

function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A malformed escape is compared as written.
  }
  const lower = decoded.toLowerCase();
  return SECRET_PARAMS.has(lower) || SECRET_HEADER_PATTERN.test(lower);
}

/** Redacts secret parameters of a query string (without the leading `?`). */
export function redactQuery(query: string): Redacted {
  let redacted = false;
  const value = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || !isSecretParam(pair.slice(0, eq))) return pair;
      redacted = true;
      return `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
  return { value, redacted };
}

/** Redacts the query part of a URL or request target; the path is left as written. */
export function redactUrl(url: string): Redacted {
  const q = url.indexOf('?');
  if (q < 0) return { value: url, redacted: false };
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const query = redactQuery(url.slice(q + 1, end));
  return query.redacted
    ? { value: url.slice(0, q + 1) + query.value + url.slice(end), redacted: true }
    : { value: url, redacted: false };
}

const BEARER = /\b(Bearer|Basic|Digest|Negotiate)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const KEY_VALUE =
  /\b(access_token|refresh_token|id_token|api_key|apikey|client_secret|password|passwd|secret|token)(["']?\s*[=:]\s*["']?)([^\s"'&,;]+)/gi;

/** Redacts credentials that appear in free text: log messages, URLs in messages, filter messages. */
export function redactText(text: string): Redacted {
  let redacted = false;
  const mark = () => {
    redacted = true;
  };
  const value = text
    .replace(BEARER, (_m, scheme: string) => {
      mark();
      return `${scheme} ${REDACTED}`;
    })
    .replace(JWT, () => {
      mark();
      return REDACTED;
    })
    .replace(KEY_VALUE, (_m, name: string, sep: string) => {
      mark();
      return `${name}${sep}${REDACTED}`;
    });
  return { value, redacted };
}

/**
 * Redacts a raw header block: values of secret headers, and secret parameters in the request
 * target of the start line. Line endings are kept as they were.
 */
export function redactHeaderBlock(block: string): Redacted {
  let redacted = false;
  const lines = block.split(/(\r?\n)/);
  let seenStart = false;
  for (let i = 0; i < lines.length; i += 2) {
    const line = lines[i]!;
    if (line === '') continue;
    const colon = line.indexOf(':');
    const space = line.indexOf(' ');
    if (!seenStart && (colon <= 0 || (space >= 0 && space < colon))) {
      seenStart = true;
      const parts = line.split(' ');
      if (parts.length >= 2) {
        const target = redactUrl(parts[1]!);
        if (target.redacted) {
          parts[1] = target.value;
          lines[i] = parts.join(' ');
          redacted = true;
        }
      }
      continue;
    }
    if (colon > 0 && isSecretHeader(line.slice(0, colon))) {
      lines[i] = `${line.slice(0, colon)}: ${REDACTED}`;
      redacted = true;
    }
  }
  return redacted ? { value: lines.join(''), redacted } : { value: block, redacted };
}
