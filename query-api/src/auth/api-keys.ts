import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema, TokenClaimsSchema, principalFromClaims, type Principal } from './principal.js';

const Sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected a lower-case SHA-256 hex digest');

const ApiKeyEntrySchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  sha256: Sha256HexSchema,
  roles: z.array(RoleSchema).min(1),
  tenants: TokenClaimsSchema.shape.tenants,
});
export type ApiKeyEntry = z.infer<typeof ApiKeyEntrySchema>;

/**
 * Parses API_KEYS: either a JSON array of `{name, sha256, roles, tenants}` or entries
 * separated by `;` or newlines, each `name:sha256hex:role1|role2:tenant1|tenant2`.
 * Only hashes are configured: a leaked config file does not leak a key.
 */
export function parseApiKeys(text: string): ApiKeyEntry[] {
  const trimmed = text.trim();
  const raw: unknown = trimmed.startsWith('[')
    ? JSON.parse(trimmed)
    : trimmed
        .split(/[;\n]/)
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0)
        .map((entry) => {
          const [name, sha256, roles, tenants, ...rest] = entry.split(':');
          if (rest.length > 0 || tenants === undefined)
            throw new Error('each entry must be name:sha256hex:roles:tenants');
          return {
            name,
            sha256: sha256?.toLowerCase(),
            roles: roles?.split('|'),
            tenants: tenants === '*' ? '*' : tenants.split('|'),
          };
        });
  return z.array(ApiKeyEntrySchema).parse(raw);
}

export function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Finds the entry whose hash matches `key`. Every entry is compared, in constant time, so the
 * answer's timing does not reveal which entry or how many bytes matched.
 */
export function matchApiKey(entries: readonly ApiKeyEntry[], key: string): Principal | undefined {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  let found: ApiKeyEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(digest, Buffer.from(entry.sha256, 'hex')) && !found) found = entry;
  }
  if (!found) return undefined;
  return principalFromClaims(
    { sub: `api-key:${found.name}`, roles: found.roles, tenants: found.tenants },
    'api-key',
  );
}
