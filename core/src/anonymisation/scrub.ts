/**
 * Free-text scrubbing for anonymisation: messages, URLs, header blocks and policy paths can carry
 * identifiers the structured fields do not. Every match is replaced by a constant placeholder,
 * never by a hash, so nothing in the output can be computed back from, or linked to, the input.
 *
 * Patterns are deliberately greedy: losing a harmless number in a message is acceptable, leaving
 * an e-mail or a token is not.
 */

export const PLACEHOLDER = '[anonymised]';

const PATTERNS: readonly RegExp[] = [
  // e-mail addresses
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  // JWTs and other dotted base64url tokens
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g,
  // Bearer / Basic credentials
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  // UUID-like ids
  /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g,
  // IPv6: the full eight groups, or a compressed "::" form with at least one group
  /\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?|::[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*/g,
  // IPv4
  /\b(?:\d{1,3}\.){3}\d{1,3}\b/g,
  // long hex or base64url runs: session ids, API keys, hashes (at least 16 chars with a digit)
  /\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{16,}\b/g,
  // long digit runs: phone numbers, account and national ids
  /\b\d{6,}\b/g,
];

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces `known` values (the identifiers of the event being anonymised, which may appear in
 * free text in any form the patterns miss) and every pattern match with the placeholder.
 */
export function scrubText(text: string, known: readonly string[] = []): string {
  let result = text;
  const literals = known.filter((value) => value.length >= 3);
  if (literals.length > 0) {
    // Longest first, so a value that contains another is replaced whole.
    const alternation = [...new Set(literals)]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
    result = result.replace(new RegExp(alternation, 'gi'), PLACEHOLDER);
  }
  for (const pattern of PATTERNS) result = result.replace(pattern, PLACEHOLDER);
  return result;
}

/** True when `text` contains something the scrubber would remove (used to vet free-text input). */
export function looksPersonal(text: string): boolean {
  return scrubText(text) !== text;
}

/**
 * Raw header blocks keep their header names (useful to see which headers a call had) and lose
 * every value: a header value is too often an identifier to trust a pattern list with.
 */
export function scrubHeaderBlock(block: string): string {
  return block
    .split(/\r?\n/)
    .map((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) return line.trim() === '' ? line : PLACEHOLDER;
      return `${line.slice(0, colon)}: ${PLACEHOLDER}`;
    })
    .join('\n');
}

/** A URL keeps its path (scrubbed) and loses its query string and fragment. */
export function scrubUrl(url: string, known: readonly string[] = []): string {
  const cut = url.search(/[?#]/);
  return scrubText(cut === -1 ? url : url.slice(0, cut), known);
}

/** Scrubs every string inside an arbitrary JSON value, keeping its shape. */
export function scrubDeep(value: unknown, known: readonly string[] = []): unknown {
  if (typeof value === 'string') return scrubText(value, known);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, known));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, scrubDeep(item, known)]),
    );
  return value;
}
