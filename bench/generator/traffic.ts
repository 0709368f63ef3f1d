import { CONTRACT_CHECK, OPERATIONS, pollOperation, type Operation } from './catalog.js';
import { axwayCorrelationId } from './correlation-id.js';
import type { GeneratorOptions } from './options.js';
import { Random } from './prng.js';
import {
  buildWorld,
  serviceNamed,
  type Application,
  type BackendHost,
  type BackendService,
  type GatewayInstance,
  type World,
} from './world.js';

/**
 * The ground truth of one simulated client request, before any log format is applied. Renderers
 * turn it into gateway and service log lines; tests compare what ingest rebuilt against it.
 */
export interface SimulatedRequest {
  readonly index: number;
  readonly correlationId: string;
  readonly gateway: GatewayInstance;
  readonly startMs: number;
  /** Leg 0 duration: what the client waited. */
  readonly durationMs: number;
  readonly application: Application;
  readonly tenant: string;
  /** X-Application-Id; absent for machine clients that keep no session. */
  readonly sessionId: string | undefined;
  readonly user: SimulatedUser;
  readonly clientIp: string;
  readonly clientPort: number;
  /** X-Request-Id as the backends and the client see it; absent when nobody set one. */
  readonly requestId: string | undefined;
  /** True when the client sent no X-Request-Id and the gateway minted this one. */
  readonly requestIdMinted: boolean;
  /** `X-CorrelationID` an upstream Axway gateway already set on the incoming request. */
  readonly upstreamCorrelation: string | undefined;
  readonly operation: Operation;
  readonly method: string;
  /** Path the client called on the gateway. */
  readonly gatewayPath: string;
  /** Path the backend serves, `<service>/v1/<resource>`. */
  readonly backendPath: string;
  readonly query: string | undefined;
  readonly status: number;
  readonly summaryStatus: 'success' | 'failure' | 'exception';
  readonly rejection: GatewayRejection | undefined;
  readonly slow: boolean;
  /** What went wrong and where, as a support engineer should be told; undefined when nothing. */
  readonly failure: SimulatedFailure | undefined;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** Gateway legs 1..n, in call order. Empty when the gateway answered on its own. */
  readonly legs: readonly GatewayLeg[];
  /** Every backend that handled the request, including internal calls the gateway never sees. */
  readonly hops: readonly BackendHop[];
  /** Written as one transaction-event-log line rather than open-traffic lines. */
  readonly asTransactionEvent: boolean;
}

/** What makes the gateway answer on its own, before any backend call. */
export type GatewayRejection = 'quota' | 'unauthenticated' | 'scope' | 'size' | 'waf';

/** How a request failed (or was slow) and at which service: the diagnosis to expect. */
export interface SimulatedFailure {
  readonly kind:
    | 'rejected_by_gateway'
    | 'gateway_failed_after_backend'
    | 'backend_error'
    | 'backend_unreachable'
    | 'backend_client_error'
    | 'slow';
  readonly reason?: 'oauth' | 'scope' | 'quota' | 'size' | 'waf' | 'timeout' | 'unreachable';
  /** The backend at the origin (the deepest failing one), or the slow one. */
  readonly service?: string;
}

/** Server-side failures, each a case the timeline's diagnosis must tell apart. */
type ServerFailure = 'backend' | 'deep' | 'unreachable' | 'timeout' | 'response_policy';

const REJECTION_STATUS: Record<GatewayRejection, number> = {
  quota: 429,
  unauthenticated: 401,
  scope: 403,
  size: 413,
  waf: 403,
};
const REJECTION_REASON = {
  quota: 'quota',
  unauthenticated: 'oauth',
  scope: 'scope',
  size: 'size',
  waf: 'waf',
} as const;

/** How long the gateway waits for a backend before answering 504. */
const BACKEND_TIMEOUT_MS = 30_000;

export interface SimulatedUser {
  readonly sub: string;
  readonly email: string;
}

export interface GatewayLeg {
  readonly leg: number;
  readonly operation: Operation;
  readonly hop: BackendHop;
  readonly startMs: number;
  readonly durationMs: number;
  readonly localPort: number;
}

export interface BackendHop {
  readonly service: BackendService;
  readonly host: BackendHost;
  readonly method: string;
  readonly path: string;
  /** True time; the host writes `startMs + host.clockSkewMs`. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly status: number;
  /** Gateway leg that called this hop; undefined for service-to-service calls. */
  readonly leg: number | undefined;
  /** `X-CorrelationID` value the hop received, when the gateway called it. */
  readonly correlationHeader: string | undefined;
  /** False when the backend handled the request but wrote nothing (a missing hop). */
  readonly logged: boolean;
  /** A free-text log message carrying personal data, as careless real logs do. */
  readonly personalDataMessage: string | undefined;
  /** The error the hop logs with its failure: its own, or the one it passes on. */
  readonly error: { readonly type: string; readonly message: string } | undefined;
}

interface Session {
  readonly id: string | undefined;
  readonly application: Application;
  readonly tenant: string;
  readonly user: SimulatedUser;
  readonly clientIp: string;
  remaining: number;
  readonly polls: Operation[];
}

const FIRST_NAMES = ['camille', 'louis', 'lea', 'hugo', 'manon', 'jules', 'chloe', 'nathan'];
const LAST_NAMES = ['martin', 'bernard', 'dubois', 'thomas', 'robert', 'richard', 'petit'];
const MAIL_DOMAINS = ['example.gouv.fr', 'example.fr', 'example.org'];
/** Documentation address ranges (RFC 5737): realistic-looking, never a real person's address. */
const CLIENT_NETWORKS = ['192.0.2.', '198.51.100.', '203.0.113.'];

function pickOperation(random: Random): Operation {
  return random.weighted(OPERATIONS.map((operation) => [operation, operation.weight] as const));
}

function gatewayPathFor(backendPath: string): string {
  return `/vitam${backendPath}`;
}

/**
 * Simulates client requests one at a time, forever or up to `options.requests`. Arrivals are
 * evenly spaced at `requestsPerSecond` with jitter inside each slot, so start times never go
 * backwards and a run of N requests spans exactly N / rate seconds.
 */
export function* simulateRequests(
  options: GeneratorOptions,
  world: World = buildWorld(options),
): Generator<SimulatedRequest> {
  const random = Random.derive(options.seed, 'traffic');
  const faults = options.faults;
  const spacingMs = 1000 / options.requestsPerSecond;
  const sessions: (Session | undefined)[] = new Array<Session | undefined>(
    options.concurrentSessions,
  ).fill(undefined);

  const newSession = (): Session => {
    const application = random.pick(world.applications);
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    return {
      id: application.sendsCookies || random.chance(0.7) ? random.base64url(22) : undefined,
      application,
      tenant: random.pick(application.tenants),
      user: {
        sub: random.uuid(),
        email: `${first}.${last}${random.int(1, 99)}@${random.pick(MAIL_DOMAINS)}`,
      },
      clientIp: `${random.pick(CLIENT_NETWORKS)}${random.int(1, 254)}`,
      remaining: random.int(2, 12),
      polls: [],
    };
  };

  const hostOf = (service: BackendService): BackendHost => random.pick(service.hosts);

  const personalData = (user: SimulatedUser, clientIp: string): string | undefined => {
    if (!random.chance(faults.personalData)) return undefined;
    return random.pick([
      `notification sent to ${user.email}`,
      `access granted to ${user.email} from ${clientIp}`,
      `retrying upload for client ${clientIp}`,
      `export requested by ${user.email}`,
    ]);
  };

  for (let index = 0; options.requests === undefined || index < options.requests; index += 1) {
    const slot = random.int(0, options.concurrentSessions - 1);
    const session = sessions[slot] ?? newSession();
    sessions[slot] = session;
    const poll = session.polls.shift();
    const operation = poll ?? pickOperation(random);
    session.remaining -= 1;

    const startMs = Math.floor(options.startMs + index * spacingMs + random.next() * spacingMs);
    const correlationId = axwayCorrelationId(startMs, random);
    const gateway = random.pick(world.gateways);
    const resource = operation.resource(random);
    const backendPath = `/${operation.service}/v1/${resource}`;
    const query =
      operation.method === 'GET' && operation.name === 'searchUnits'
        ? `$limit=${random.pick([100, 1000, 10000])}&$offset=${random.pick([0, 0, 1000])}`
        : undefined;
    const clientSentRequestId = !random.chance(faults.missingRequestId);

    const rejection: GatewayRejection | undefined = random.chance(faults.quota)
      ? 'quota'
      : random.chance(faults.clientError * 0.25)
        ? random.pick(['unauthenticated', 'unauthenticated', 'scope', 'size', 'waf'] as const)
        : undefined;
    let serverFailure: ServerFailure | undefined;
    const backendError = rejection
      ? undefined
      : random.chance(faults.clientError * 0.75)
        ? random.pick([400, 404, 404, 409, 412])
        : random.chance(faults.serverError)
          ? serverStatus(
              (serverFailure = random.pick([
                'backend',
                'deep',
                'unreachable',
                'timeout',
                'response_policy',
              ] as const)),
              random,
            )
          : undefined;
    const slow = !rejection && !serverFailure && random.chance(faults.slow);
    const preMs = random.int(1, 8);

    const legs: GatewayLeg[] = [];
    const hops: BackendHop[] = [];
    let clock = startMs + preMs;
    let status: number;
    let failure: SimulatedFailure | undefined;
    if (rejection) {
      status = REJECTION_STATUS[rejection];
      failure = { kind: 'rejected_by_gateway', reason: REJECTION_REASON[rejection] };
    } else {
      const called: Operation[] =
        operation.service === 'access-external' && random.chance(0.15)
          ? [CONTRACT_CHECK, operation]
          : [operation];
      status = operation.okStatus;
      called.forEach((target, legIndex) => {
        const leg = legIndex + 1;
        const isMain = target === operation;
        const service = serviceNamed(world, target.service);
        const hopStart = clock + random.int(1, 3);
        const hopStatus = isMain
          ? (backendError ?? (poll && session.polls.length > 0 ? 202 : target.okStatus))
          : 200;
        const unanswered =
          isMain && (serverFailure === 'unreachable' || serverFailure === 'timeout');
        // Downstream calls happen unless the backend refused the request up front.
        const downstreamNames =
          isMain && !unanswered && (hopStatus < 400 || [404, 500, 502].includes(hopStatus))
            ? target.downstream
            : [];
        // Each downstream service calls the next one and answers after it (access-external →
        // access-internal → metadata): their spans nest. A failure starts at the deepest and is
        // passed on by every caller.
        const chainStatus = hopStatus >= 400 ? (hopStatus === 502 ? 500 : hopStatus) : 200;
        const starts: number[] = [];
        let innerStart = hopStart + random.int(1, 4);
        for (let position = 0; position < downstreamNames.length; position += 1) {
          starts.push(innerStart);
          innerStart += random.int(1, 3);
        }
        const slowMs = slow && isMain ? random.int(2_000, 25_000) : 0;
        const durations: number[] = [];
        for (let position = downstreamNames.length - 1; position >= 0; position -= 1) {
          const own = Math.max(1, Math.round(random.logNormal(12, 0.6)));
          const innermost = position === downstreamNames.length - 1;
          const callee = innermost
            ? 0
            : (starts[position + 1] ?? 0) -
              (starts[position] ?? 0) +
              (durations[position + 1] ?? 0);
          durations[position] = own + callee + (innermost ? slowMs : 0);
        }
        const downstream: BackendHop[] = downstreamNames.map((name, position) => {
          const inner = serviceNamed(world, name);
          const innermost = position === downstreamNames.length - 1;
          return {
            service: inner,
            host: hostOf(inner),
            method: position === 0 ? target.method : 'POST',
            path:
              position === 0
                ? `/${name}/v1/${resource}`
                : `/${name}/v1/${random.pick(['queries', 'units/select', 'operations'])}`,
            startMs: starts[position] ?? hopStart,
            durationMs: durations[position] ?? 1,
            status: chainStatus,
            leg: undefined,
            correlationHeader: undefined,
            logged: !random.chance(faults.missingHop),
            personalDataMessage: personalData(session.user, session.clientIp),
            error: hopError(chainStatus, innermost ? undefined : downstreamNames[position + 1]),
          };
        });
        const ownMs = Math.max(1, Math.round(random.logNormal(isMain ? 20 : 4, 0.7)));
        const nested =
          downstream.length > 0
            ? (starts[0] ?? hopStart) - hopStart + (durations[0] ?? 0) + random.int(1, 3)
            : 0;
        const hopDuration = unanswered
          ? serverFailure === 'timeout'
            ? BACKEND_TIMEOUT_MS
            : random.int(1, 5)
          : nested + ownMs + (downstream.length > 0 ? 0 : slowMs);
        const hop: BackendHop = {
          service,
          host: hostOf(service),
          method: target.method,
          path: isMain ? backendPath : `/${target.service}/v1/${target.resource(random)}`,
          startMs: hopStart,
          durationMs: hopDuration,
          status: hopStatus,
          leg,
          correlationHeader: `Id-${correlationId} ${leg}`,
          // An unreachable or timed-out backend never saw the call.
          logged: !unanswered && !random.chance(faults.missingHop),
          personalDataMessage: personalData(session.user, session.clientIp),
          error: hopError(hopStatus, downstreamNames[0]),
        };
        hops.push(hop, ...downstream);
        const legDuration = hopDuration + (unanswered ? 1 : random.int(2, 6));
        legs.push({
          leg,
          operation: target,
          hop,
          startMs: clock,
          durationMs: legDuration,
          localPort: random.int(32_768, 60_999),
        });
        clock += legDuration + random.int(0, 2);
        if (!isMain) return;
        status = serverFailure === 'response_policy' ? 500 : hopStatus;
        failure = failureOf(serverFailure, hopStatus, slow, hop, downstream);
      });
    }
    const durationMs = clock - startMs + random.int(1, 5);
    const requestId = clientSentRequestId
      ? random.uuid()
      : rejection
        ? undefined
        : `aeeaaaaaac${random.base32(26)}`;
    const upstreamCorrelation = random.chance(0.02)
      ? `Id-${axwayCorrelationId(startMs - random.int(1, 50), random)} 1`
      : undefined;
    if (upstreamCorrelation) {
      // Behind a second Axway hop the backend receives both ids, chained with "; ".
      for (const [position, leg] of legs.entries()) {
        const hop = leg.hop;
        const chained: BackendHop = {
          ...hop,
          correlationHeader: `${upstreamCorrelation}; ${hop.correlationHeader ?? ''}`,
        };
        legs[position] = { ...leg, hop: chained };
        hops[hops.indexOf(hop)] = chained;
      }
    }
    if (operation.okStatus === 202 && status === 202 && operation.pollService && requestId) {
      const polls = random.int(1, 4);
      for (let count = 0; count < polls; count += 1)
        session.polls.push(pollOperation(operation.pollService, requestId));
      session.remaining = Math.max(session.remaining, polls);
    }
    if (session.remaining <= 0 && session.polls.length === 0) sessions[slot] = undefined;

    yield {
      index,
      correlationId,
      gateway,
      startMs,
      durationMs,
      application: session.application,
      tenant: session.tenant,
      sessionId: session.id,
      user: session.user,
      clientIp: session.clientIp,
      clientPort: random.int(32_768, 60_999),
      requestId,
      requestIdMinted: !clientSentRequestId && requestId !== undefined,
      upstreamCorrelation,
      operation,
      method: operation.method,
      gatewayPath: gatewayPathFor(backendPath),
      backendPath,
      query,
      status,
      summaryStatus:
        status < 400 ? 'success' : status >= 500 && random.chance(0.3) ? 'exception' : 'failure',
      rejection,
      slow,
      failure,
      requestBytes: random.int(...operation.requestBytes),
      responseBytes: status < 400 ? random.int(...operation.responseBytes) : random.int(80, 400),
      legs,
      hops,
      asTransactionEvent: random.chance(options.transactionEventShare),
    };
  }
}

/** The status a server failure gives the main backend leg. */
function serverStatus(failure: ServerFailure, random: Random): number {
  switch (failure) {
    case 'backend':
      return random.pick([500, 500, 503]);
    case 'deep':
      return 502;
    case 'unreachable':
      return random.pick([502, 503]);
    case 'timeout':
      return 504;
    case 'response_policy':
      return 200;
  }
}

/** What a failing hop logs: its own error, or that the service it called failed. */
function hopError(status: number, callee: string | undefined): BackendHop['error'] {
  if (status < 500) return undefined;
  if (callee) return { type: 'DownstreamException', message: `call to ${callee} failed` };
  return status === 503
    ? { type: 'StorageUnavailableException', message: 'storage offer unavailable' }
    : { type: 'IllegalStateException', message: 'index shard unavailable' };
}

/** The diagnosis a request's ground truth calls for. */
function failureOf(
  serverFailure: ServerFailure | undefined,
  status: number,
  slow: boolean,
  hop: BackendHop,
  downstream: readonly BackendHop[],
): SimulatedFailure | undefined {
  const deepest = downstream.at(-1) ?? hop;
  switch (serverFailure) {
    case 'response_policy':
      return { kind: 'gateway_failed_after_backend' };
    case 'unreachable':
      return { kind: 'backend_unreachable', reason: 'unreachable' };
    case 'timeout':
      return { kind: 'backend_unreachable', reason: 'timeout' };
    case 'backend':
    case 'deep':
      return { kind: 'backend_error', service: deepest.service.name };
    case undefined:
      if (status >= 400) return { kind: 'backend_client_error', service: deepest.service.name };
      return slow ? { kind: 'slow', service: deepest.service.name } : undefined;
  }
}
