import {
  backendRequestHeader,
  backendResponseHeader,
  clientRequestHeader,
  clientResponseHeader,
} from './http-headers.js';
import { STATUS_TEXT } from './catalog.js';
import type { Random } from './prng.js';
import type { GatewayLeg, SimulatedRequest } from './traffic.js';

/**
 * Renders a simulated request as the Axway API Gateway 7.x writes it, field for field: either
 * the open-traffic event log (one `transactionElement` line per leg, one `transactionSummary`,
 * one `circuitPath`) or the transaction event log (one `type: "transaction"` line with `legs[]`).
 * Timestamps are epoch milliseconds; ports are strings, as Axway writes them.
 */

const GATEWAY_PORT = '8065';

/** One rendered gateway line and when the gateway flushed it (after the transaction ended). */
export interface GatewayLine {
  readonly value: string;
  readonly writtenAtMs: number;
}

function processInfo(request: SimulatedRequest) {
  const gateway = request.gateway;
  return {
    hostname: gateway.hostname,
    domainId: gateway.domainId,
    groupId: gateway.groupId,
    groupName: gateway.groupName,
    serviceId: gateway.serviceId,
    serviceName: gateway.serviceName,
    version: gateway.version,
  };
}

function legZeroFinalStatus(request: SimulatedRequest): 'Pass' | 'Fail' | 'Error' {
  if (request.summaryStatus === 'exception') return 'Error';
  return request.summaryStatus === 'success' ? 'Pass' : 'Fail';
}

function serviceContexts(request: SimulatedRequest) {
  const authenticated = request.rejection !== 'unauthenticated';
  return [
    {
      service: request.operation.api,
      monitor: true,
      client: authenticated ? request.application.clientId : null,
      org: authenticated ? request.application.org : null,
      app: authenticated ? request.application.name : null,
      method: request.operation.name,
      status: request.summaryStatus,
      duration: Math.max(0, request.durationMs - 1),
    },
  ];
}

interface LegHttp {
  uri: string;
  status: number;
  statusText: string;
  method: string;
  vhost: null;
  wafStatus: number;
  bytesSent: number;
  bytesReceived: number;
  remoteName: string;
  remoteAddr: string;
  localAddr: string;
  remotePort: string;
  localPort: string;
  sslSubject: string | null;
  authSubjectId: string | null;
}

interface RenderedLeg {
  leg: number;
  timestamp: number;
  duration: number;
  serviceName: string;
  operation: string;
  finalStatus: 'Pass' | 'Fail' | 'Error' | null;
  http: LegHttp;
  recvHeader: string;
  sentHeader: string;
}

function renderLegs(request: SimulatedRequest, random: Random): RenderedLeg[] {
  const authSubjectId = request.rejection === 'unauthenticated' ? null : request.application.id;
  const recvHeader = clientRequestHeader(request, random);
  const sentHeader = clientResponseHeader(request);
  const legZero: RenderedLeg = {
    leg: 0,
    timestamp: request.startMs,
    duration: request.durationMs,
    serviceName: request.operation.api,
    operation: request.operation.name,
    finalStatus: legZeroFinalStatus(request),
    http: {
      uri: request.gatewayPath,
      status: request.status,
      statusText: STATUS_TEXT[request.status] ?? '',
      method: request.method,
      vhost: null,
      // Axway's WAF filter reports the ModSecurity verdict here: non-zero when it blocked.
      wafStatus: request.rejection === 'waf' ? 1 : 0,
      bytesSent: sentHeader.length + request.responseBytes,
      bytesReceived: recvHeader.length + request.requestBytes,
      remoteName: request.clientIp,
      remoteAddr: request.clientIp,
      localAddr: request.gateway.ip,
      remotePort: String(request.clientPort),
      localPort: GATEWAY_PORT,
      sslSubject: null,
      authSubjectId,
    },
    recvHeader,
    sentHeader,
  };
  const backendLegs = request.legs.map((leg: GatewayLeg): RenderedLeg => {
    const sent = backendRequestHeader(request, leg, random);
    const received = backendResponseHeader(request, leg);
    const main = leg.operation === request.operation;
    return {
      leg: leg.leg,
      timestamp: leg.startMs,
      duration: leg.durationMs,
      serviceName: request.operation.api,
      operation: leg.operation.name,
      finalStatus: null,
      http: {
        uri: leg.hop.path,
        status: leg.hop.status,
        statusText: STATUS_TEXT[leg.hop.status] ?? '',
        method: leg.hop.method,
        vhost: null,
        wafStatus: 0,
        bytesSent: sent.length + (leg.hop.method === 'GET' ? 0 : request.requestBytes),
        bytesReceived: received.length + (main ? request.responseBytes : 320),
        remoteName: leg.hop.host.name,
        remoteAddr: leg.hop.host.ip,
        localAddr: request.gateway.ip,
        remotePort: String(leg.hop.host.port),
        localPort: String(leg.localPort),
        sslSubject: `CN=${leg.hop.host.name}, OU=Vitam, O=Etat, C=FR`,
        authSubjectId,
      },
      recvHeader: received,
      sentHeader: sent,
    };
  });
  return [legZero, ...backendLegs];
}

/**
 * The policy path: the filters the request went through, in order, each Pass or Fail. A
 * rejection stops at the filter that refused it; a response policy may fail after the backend
 * answered.
 */
function circuitPath(request: SimulatedRequest) {
  const at = request.startMs;
  let offset = 0;
  const filter = (name: string, type: string, className: string, failed: boolean) => ({
    name,
    type,
    class: className,
    status: failed ? 'Fail' : 'Pass',
    filterTime: at + offset++,
    execTime: 0,
  });
  const rejection = request.rejection;
  const checks: [string, string, string, boolean][] = [
    [
      'Set service context',
      'VApiServiceContextFilter',
      'com.vordel.circuit.vapi.VApiServiceContextFilter',
      false,
    ],
    [
      'Check content length',
      'ContentLengthFilter',
      'com.vordel.circuit.conversion.ContentLengthFilter',
      rejection === 'size',
    ],
    [
      'Web Application Firewall',
      'WAFFilter',
      'com.vordel.circuit.waf.WAFFilter',
      rejection === 'waf',
    ],
    [
      'OAuth 2.0 access token',
      'OAuth2AccessTokenVerificationFilter',
      'com.vordel.circuit.oauth.filter.OAuth2AccessTokenVerificationFilter',
      rejection === 'unauthenticated',
    ],
    [
      'Check scopes',
      'OAuth2ScopeCheckFilter',
      'com.vordel.circuit.oauth.filter.OAuth2ScopeCheckFilter',
      rejection === 'scope',
    ],
    [
      'Application quota',
      'ThrottlingFilter',
      'com.vordel.circuit.ratelimit.ThrottlingFilter',
      rejection === 'quota',
    ],
  ];
  const filters: ReturnType<typeof filter>[] = [];
  for (const [name, type, className, failed] of checks) {
    filters.push(filter(name, type, className, failed));
    if (failed) break;
  }
  if (!rejection) {
    const backendAnswered = request.legs.at(-1)?.hop.status;
    filters.push({
      ...filter(
        'Connect to URL',
        'ConnectToURLFilter',
        'com.vordel.circuit.net.ConnectToURLFilter',
        (backendAnswered ?? 0) >= 500,
      ),
      execTime: request.legs.reduce((sum, leg) => sum + leg.durationMs, 0),
    });
    filters.push(
      filter(
        'Transform response',
        'JavaScriptFilter',
        'com.vordel.circuit.script.JavaScriptFilter',
        request.failure?.kind === 'gateway_failed_after_backend',
      ),
    );
  }
  return [{ policy: 'API Broker', execTime: request.durationMs, filters }];
}

/** The open-traffic lines of one transaction: each leg, then the summary and the policy path. */
export function openTrafficLines(request: SimulatedRequest, random: Random): GatewayLine[] {
  const writtenAtMs = request.startMs + request.durationMs;
  const common = { correlationId: request.correlationId, processInfo: processInfo(request) };
  const legLines = renderLegs(request, random).map((leg) =>
    JSON.stringify({
      timestamp: leg.timestamp,
      ...common,
      transactionElement: {
        leg: leg.leg,
        duration: leg.duration,
        serviceName: leg.serviceName,
        operation: leg.operation,
        finalStatus: leg.finalStatus,
        protocolInfo: {
          http: leg.http,
          recvHeader: leg.recvHeader,
          sentHeader: leg.sentHeader,
          recvPayload: null,
          sentPayload: null,
        },
      },
    }),
  );
  const summary = JSON.stringify({
    timestamp: request.startMs,
    ...common,
    transactionSummary: {
      path: request.gatewayPath,
      protocol: 'https',
      protocolSrc: GATEWAY_PORT,
      status: request.summaryStatus,
      serviceContexts: serviceContexts(request),
    },
  });
  const path = JSON.stringify({
    timestamp: request.startMs,
    ...common,
    circuitPath: circuitPath(request),
  });
  return [...legLines, summary, path].map((value) => ({ value, writtenAtMs }));
}

/**
 * The transaction-event-log line. It has no raw headers, so the gateway policy exports the
 * correlation headers as custom message attributes, the documented way to get them there.
 */
export function transactionEventLine(request: SimulatedRequest, random: Random): GatewayLine {
  const customMsgAtts: Record<string, string> = {};
  if (request.requestId) customMsgAtts['X-Request-Id'] = request.requestId;
  if (request.sessionId) customMsgAtts['X-Application-Id'] = request.sessionId;
  customMsgAtts['X-Tenant-Id'] = request.tenant;
  const legs = renderLegs(request, random).map((leg) => ({
    uri: leg.http.uri,
    status: leg.http.status,
    statustext: leg.http.statusText,
    method: leg.http.method,
    vhost: leg.http.vhost,
    wafStatus: leg.http.wafStatus,
    bytesSent: leg.http.bytesSent,
    bytesReceived: leg.http.bytesReceived,
    remoteName: leg.http.remoteName,
    remoteAddr: leg.http.remoteAddr,
    localAddr: leg.http.localAddr,
    remotePort: leg.http.remotePort,
    localPort: leg.http.localPort,
    sslsubject: leg.http.sslSubject,
    leg: leg.leg,
    timestamp: leg.timestamp,
    duration: leg.duration,
    serviceName: leg.serviceName,
    subject: leg.http.authSubjectId,
    operation: leg.operation,
    type: 'http',
    finalStatus: leg.finalStatus,
  }));
  const value = JSON.stringify({
    type: 'transaction',
    time: request.startMs,
    path: request.gatewayPath,
    protocol: 'https',
    protocolSrc: GATEWAY_PORT,
    duration: request.durationMs,
    status: request.summaryStatus,
    serviceContexts: serviceContexts(request),
    customMsgAtts,
    correlationId: request.correlationId,
    legs,
  });
  return { value, writtenAtMs: request.startMs + request.durationMs };
}
