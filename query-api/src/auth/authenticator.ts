import {
  createLocalJWKSet,
  createRemoteJWKSet,
  importSPKI,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { ArianeError } from '../../../core/src/errors.js';
import { matchApiKey, parseApiKeys, type ApiKeyEntry } from './api-keys.js';
import { TokenClaimsSchema, principalFromClaims, type Principal } from './principal.js';

export interface AuthConfig {
  readonly JWT_SECRET?: string | undefined;
  readonly JWT_PUBLIC_KEY?: string | undefined;
  readonly JWT_JWKS_URL?: string | undefined;
  readonly JWT_ISSUER?: string | undefined;
  readonly JWT_AUDIENCE?: string | undefined;
  readonly API_KEYS?: string | undefined;
}

/** Resolves the caller of a request from its headers, or rejects with a 401 ArianeError. */
export interface Authenticator {
  authenticate(headers: {
    authorization?: string | undefined;
    'x-api-key'?: string | string[] | undefined;
  }): Promise<Principal>;
  /** False when neither JWT nor API keys are configured: every business call then fails. */
  readonly configured: boolean;
}

type Verifier = (token: string) => Promise<unknown>;

/**
 * Builds the authenticator from config. Only the algorithms whose keys are configured are
 * accepted (HS256 for JWT_SECRET, RS256 for JWT_PUBLIC_KEY or JWT_JWKS_URL), so `alg: none`
 * and algorithm-confusion tokens fail verification. `jwks` replaces the remote key set in
 * tests.
 */
export async function createAuthenticator(
  config: AuthConfig,
  jwks?: JSONWebKeySet,
): Promise<Authenticator> {
  const checks: JWTVerifyOptions = {};
  if (config.JWT_ISSUER) checks.issuer = config.JWT_ISSUER;
  if (config.JWT_AUDIENCE) checks.audience = config.JWT_AUDIENCE;
  const verifiers: Verifier[] = [];
  if (config.JWT_SECRET) {
    const secret = new TextEncoder().encode(config.JWT_SECRET);
    verifiers.push(
      async (token) =>
        (await jwtVerify(token, secret, { ...checks, algorithms: ['HS256'] })).payload,
    );
  }
  if (config.JWT_PUBLIC_KEY) {
    const key = await importSPKI(config.JWT_PUBLIC_KEY, 'RS256');
    verifiers.push(
      async (token) => (await jwtVerify(token, key, { ...checks, algorithms: ['RS256'] })).payload,
    );
  }
  if (config.JWT_JWKS_URL || jwks) {
    const keySet: JWTVerifyGetKey = jwks
      ? createLocalJWKSet(jwks)
      : createRemoteJWKSet(new URL(config.JWT_JWKS_URL as string));
    verifiers.push(
      async (token) =>
        (await jwtVerify(token, keySet, { ...checks, algorithms: ['RS256'] })).payload,
    );
  }
  const apiKeys: ApiKeyEntry[] = config.API_KEYS ? parseApiKeys(config.API_KEYS) : [];

  return {
    configured: verifiers.length > 0 || apiKeys.length > 0,
    async authenticate(headers) {
      const apiKey = headers['x-api-key'];
      const authorization = headers.authorization ?? '';
      const [scheme, credential] = authorization.split(' ', 2);
      if (typeof apiKey === 'string' || scheme?.toLowerCase() === 'apikey') {
        const key = typeof apiKey === 'string' ? apiKey : (credential ?? '');
        const principal = matchApiKey(apiKeys, key);
        if (!principal) throw new ArianeError('ARIANE_TOKEN_INVALID');
        return principal;
      }
      if (scheme?.toLowerCase() !== 'bearer' || !credential)
        throw new ArianeError('ARIANE_UNAUTHENTICATED');
      for (const verify of verifiers) {
        const payload = await verify(credential).catch(() => undefined);
        if (payload === undefined) continue;
        const claims = TokenClaimsSchema.safeParse(payload);
        if (!claims.success)
          throw new ArianeError(
            'ARIANE_TOKEN_INVALID',
            'The token lacks valid sub, roles or tenants claims',
          );
        return principalFromClaims(claims.data, 'jwt');
      }
      throw new ArianeError('ARIANE_TOKEN_INVALID');
    },
  };
}
