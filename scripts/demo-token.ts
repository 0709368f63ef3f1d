import { SignJWT } from 'jose';

/**
 * A token for trying the query API locally: HS256 with the dev JWT_SECRET `npm start` sets,
 * carrying the claims query-api reads (sub, roles, tenants). Never used outside `npm start`.
 */
export function signDemoToken(secret: string, nowSeconds: number): Promise<string> {
  return new SignJWT({ roles: ['admin', 'support'], tenants: '*' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('ariane-demo')
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 12 * 3600)
    .sign(new TextEncoder().encode(secret));
}
