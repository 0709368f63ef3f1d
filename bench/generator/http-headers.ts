import { STATUS_TEXT } from './catalog.js';
import type { Random } from './prng.js';
import type { BackendHop, GatewayLeg, SimulatedRequest } from './traffic.js';

/**
 * Raw HTTP header blocks as Axway stores them in `recvHeader` / `sentHeader`: the start line and
 * every header, each ended by CRLF, then an empty line. Header names keep the case the sender
 * used, which is why readers must match them case-insensitively.
 */

type Header = readonly [name: string, value: string | number | undefined];

const GATEWAY_HOST = 'api.piste.gouv.fr';

function block(startLine: string, headers: readonly Header[], lowerCase = false): string {
  let text = `${startLine}\r\n`;
  for (const [name, value] of headers) {
    if (value === undefined) continue;
    text += `${lowerCase ? name.toLowerCase() : name}: ${value}\r\n`;
  }
  return `${text}\r\n`;
}

export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A JWT-shaped bearer token with a random, meaningless signature. Its payload carries user data
 * (subject, e-mail) like the token PISTE forwards to backends, so ingest redaction has something
 * real to remove.
 */
export function fakeJwt(claims: Record<string, unknown>, random: Random): string {
  return `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'piste-1' })}.${base64url(claims)}.${random.base64url(43)}`;
}

function clientToken(request: SimulatedRequest, random: Random): string {
  const issuedAt = Math.floor(request.startMs / 1000) - random.int(1, 3000);
  return fakeJwt(
    {
      iss: 'https://oauth.piste.gouv.fr',
      sub: request.sessionId ? request.user.sub : request.application.clientId,
      client_id: request.application.clientId,
      scope: 'openid resource.READ',
      iat: issuedAt,
      exp: issuedAt + 3600,
    },
    random,
  );
}

function forwardedToken(request: SimulatedRequest, random: Random): string {
  const issuedAt = Math.floor(request.startMs / 1000);
  return fakeJwt(
    {
      iss: 'https://piste.gouv.fr/gateway',
      sub: request.user.sub,
      email: request.user.email,
      client_id: request.application.clientId,
      app: request.application.name,
      tenant: request.tenant,
      iat: issuedAt,
      exp: issuedAt + 300,
    },
    random,
  );
}

/** Leg 0, `recvHeader`: the client's request to the gateway. */
export function clientRequestHeader(request: SimulatedRequest, random: Random): string {
  const target = request.query ? `${request.gatewayPath}?${request.query}` : request.gatewayPath;
  const withBody = request.requestBytes > 0;
  return block(
    `${request.method} ${target} HTTP/1.1`,
    [
      ['Host', GATEWAY_HOST],
      ['User-Agent', request.application.userAgent],
      ['Accept', 'application/json'],
      ['Authorization', `Bearer ${clientToken(request, random)}`],
      ['X-Request-Id', request.requestIdMinted ? undefined : request.requestId],
      ['X-Application-Id', request.sessionId],
      ['X-Tenant-Id', request.tenant],
      [
        'Cookie',
        request.application.sendsCookies
          ? `JSESSIONID=${random.hex(32).toUpperCase()}; piste_sid=${random.base64url(24)}`
          : undefined,
      ],
      ['X-CorrelationID', request.upstreamCorrelation],
      ['Content-Type', withBody ? 'application/json' : undefined],
      ['Content-Length', withBody ? request.requestBytes : undefined],
      ['Connection', 'keep-alive'],
    ],
    request.application.lowerCaseHeaders,
  );
}

/** Leg 0, `sentHeader`: the gateway's response to the client. */
export function clientResponseHeader(request: SimulatedRequest): string {
  const endMs = request.startMs + request.durationMs;
  return block(`HTTP/1.1 ${request.status} ${STATUS_TEXT[request.status] ?? ''}`, [
    ['Date', httpDate(endMs)],
    ['Server', 'Gateway'],
    ['Connection', 'close'],
    ['X-CorrelationID', `Id-${request.correlationId} 0`],
    ['X-Request-Id', request.requestId],
    ['X-Application-Id', request.sessionId],
    ['Retry-After', request.rejection === 'quota' ? 1 : undefined],
    [
      'WWW-Authenticate',
      request.rejection === 'unauthenticated'
        ? 'Bearer error="invalid_token"'
        : request.rejection === 'scope'
          ? 'Bearer error="insufficient_scope"'
          : undefined,
    ],
    ['Content-Type', 'application/json'],
    ['Content-Length', request.responseBytes],
  ]);
}

/** Leg n ≥ 1, `sentHeader`: the gateway's request to the backend, with the propagated ids. */
export function backendRequestHeader(
  request: SimulatedRequest,
  leg: GatewayLeg,
  random: Random,
): string {
  const hop: BackendHop = leg.hop;
  const withBody = hop.method !== 'GET' && request.requestBytes > 0;
  return block(`${hop.method} ${hop.path} HTTP/1.1`, [
    ['Host', `${hop.host.name}:${hop.host.port}`],
    ['User-Agent', request.application.userAgent],
    ['Accept', 'application/json'],
    ['X-Request-Id', request.requestId],
    ['X-Application-Id', request.sessionId],
    ['X-Tenant-Id', request.tenant],
    ['X-CorrelationID', hop.correlationHeader],
    ['Authorization', `Bearer ${forwardedToken(request, random)}`],
    ['X-Forwarded-For', request.clientIp],
    ['Content-Type', withBody ? 'application/json' : undefined],
    ['Content-Length', withBody ? request.requestBytes : undefined],
  ]);
}

/** Leg n ≥ 1, `recvHeader`: the backend's response to the gateway. */
export function backendResponseHeader(request: SimulatedRequest, leg: GatewayLeg): string {
  const hop = leg.hop;
  return block(`HTTP/1.1 ${hop.status} ${STATUS_TEXT[hop.status] ?? ''}`, [
    ['Date', httpDate(hop.startMs + hop.durationMs + hop.host.clockSkewMs)],
    ['Server', hop.service.style === 'logback' ? 'Jetty(10.0.20)' : undefined],
    ['X-Request-Id', hop.service.logsCorrelationOnly ? undefined : request.requestId],
    ['X-Application-Id', hop.service.logsCorrelationOnly ? undefined : request.sessionId],
    ['Content-Type', 'application/json'],
    ['Content-Length', leg.operation === request.operation ? request.responseBytes : 320],
  ]);
}
