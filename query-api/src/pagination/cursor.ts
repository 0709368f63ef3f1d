import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ArianeError } from '../../../core/src/errors.js';

/**
 * What a cursor id carries. The id is `base64url(JSON).base64url(HMAC-SHA256)`: opaque to use,
 * and any change to it — another tenant, another caller, a later expiry, other filters — breaks
 * the signature. It is not encrypted: it holds the caller's own filters and an Elasticsearch
 * point-in-time id, nothing the caller could not see already.
 */
export const CursorStateSchema = z.object({
  v: z.literal(1),
  /** Which listing the cursor pages through, e.g. `events`. */
  resource: z.string(),
  tenant: z.string(),
  subject: z.string(),
  pit: z.string(),
  searchAfter: z.array(z.union([z.string(), z.number(), z.null()])),
  /** How many items earlier pages returned: the next page's `$hits.offset`. */
  position: z.number().int().nonnegative(),
  /** The listing's parsed query parameters, replayed on every page. */
  params: z.record(z.string(), z.unknown()),
  expiresAt: z.number().int(),
});
export type CursorState = z.infer<typeof CursorStateSchema>;

export function signCursor(state: CursorState, secret: Uint8Array): string {
  const payload = Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
}

/**
 * The state of a cursor id issued to this caller for this tenant and resource, or an
 * ArianeError: 400 when the id is malformed or its signature does not match, 412 when it has
 * expired or belongs to another caller, tenant or listing.
 */
export function verifyCursor(
  id: string,
  secret: Uint8Array,
  expected: { resource: string; tenant: string; subject: string; now: number },
): CursorState {
  const [payload, signature, ...rest] = id.split('.');
  const invalid = () =>
    new ArianeError('ARIANE_INVALID_HEADER', 'X-Cursor-Id is not a valid cursor', [
      { field: 'headers.x-cursor-id', issue: 'malformed or tampered cursor id' },
    ]);
  if (!payload || !signature || rest.length > 0) throw invalid();
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(payload, secret);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid();
  let state: CursorState;
  try {
    state = CursorStateSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  if (
    state.resource !== expected.resource ||
    state.tenant !== expected.tenant ||
    state.subject !== expected.subject
  )
    throw new ArianeError(
      'ARIANE_CURSOR_EXPIRED',
      'The cursor was issued for another caller, tenant or listing',
    );
  if (state.expiresAt <= expected.now) throw new ArianeError('ARIANE_CURSOR_EXPIRED');
  return state;
}

function mac(payload: string, secret: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}
