import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnosis } from '../../../query-api/src/contract/diagnosis.js';
import type { RouteBaseline } from '../../../query-api/src/contract/request-timeline.js';
import { buildRequestTimeline } from '../../../query-api/src/timeline/assemble.js';
import { requestEvents, type HopSpec } from '../../helpers/query-api.js';

const T0 = '2026-03-02T10:00:00.000Z';
const base = { requestId: 'req-1', transactionId: 'tx-1', start: T0, durationMs: 200 };

/** access-external → access-internal → metadata behind leg 1, each with its own status. */
function chain(
  statuses: [number, number, number],
  metadataError?: string,
  metadataSkewMs = 0,
): HopSpec['backends'] {
  return [
    {
      service: 'access-external',
      offsetMs: 10,
      durationMs: 180,
      status: statuses[0],
      downstream: [
        {
          service: 'access-internal',
          offsetMs: 5,
          durationMs: 150,
          status: statuses[1],
          downstream: [
            {
              service: 'metadata',
              offsetMs: 5,
              durationMs: 100,
              status: statuses[2],
              skewMs: metadataSkewMs,
              ...(metadataError && { errorMessage: metadataError, errorCode: 'MD-042' }),
            },
          ],
        },
      ],
    },
  ];
}

const BASELINE: RouteBaseline = {
  api: 'Vitam Access',
  operation: 'searchUnits',
  method: 'GET',
  path: null,
  p50Ms: 20,
  p95Ms: 60,
  samples: 500,
  windowHours: 24,
};

interface DiagnosisCase {
  readonly name: string;
  readonly spec: HopSpec;
  readonly baseline?: RouteBaseline;
  readonly expected: Partial<Diagnosis>;
  readonly summary?: RegExp;
}

const CASES: readonly DiagnosisCase[] = [
  ...(
    [
      [401, 'OAuth 2.0 access token', 'OAuth2AccessTokenVerificationFilter', 'oauth'],
      [403, 'Check scopes', 'OAuth2ScopeCheckFilter', 'scope'],
      [429, 'Application quota', 'ThrottlingFilter', 'quota'],
      [413, 'Check content length', 'ContentLengthFilter', 'size'],
      [403, 'Web Application Firewall', 'WAFFilter', 'waf'],
    ] as const
  ).map(([status, name, type, reason]): DiagnosisCase => ({
    name: `rejected at the gateway: ${reason} ${status}`,
    spec: { ...base, status, backends: [], failedFilter: { name, type } },
    expected: { kind: 'rejected_by_gateway', origin: 'gateway', reason, status, hops: [0] },
    summary: new RegExp(`before any backend call: policy filter "${name}`),
  })),
  {
    name: 'rejected at the gateway, no policy path logged: the status tells',
    spec: { ...base, status: 429, backends: [] },
    expected: { kind: 'rejected_by_gateway', origin: 'gateway', reason: 'quota' },
  },
  {
    name: 'the gateway turned a 200 into a 500 (response policy)',
    spec: {
      ...base,
      status: 500,
      backends: [{ service: 'referential', offsetMs: 10, durationMs: 50, status: 200 }],
    },
    expected: {
      kind: 'gateway_failed_after_backend',
      origin: 'gateway',
      service: 'piste-gateway',
      status: 500,
      hops: [0, 1, 2],
    },
    summary: /turned the backend's 200 into a 500/,
  },
  {
    name: 'backend error: the deepest failing service, not the first one',
    spec: { ...base, status: 502, backends: chain([502, 500, 500], 'index unavailable') },
    expected: {
      kind: 'backend_error',
      origin: 'backend',
      service: 'metadata',
      status: 500,
      error: { code: 'MD-042', type: 'Error', message: 'index unavailable' },
      hops: [4, 3, 2, 1, 0],
    },
    summary:
      /in metadata: 500 MD-042 index unavailable \(passed on: access-internal 500 → access-external 502 → leg 1 502 → leg 0 502\)/,
  },
  {
    name: 'backend error propagated by trace context rather than by time',
    spec: {
      ...base,
      status: 502,
      traceContext: true,
      backends: chain([502, 500, 500], 'index unavailable'),
    },
    expected: { kind: 'backend_error', service: 'metadata' },
  },
  {
    name: 'backend error whose deepest service has a skewed clock: named as a possible origin',
    spec: {
      ...base,
      status: 502,
      backends: chain([502, 500, 500], 'index unavailable', -5_000),
    },
    expected: { kind: 'backend_error', service: 'access-internal' },
    summary: /metadata also failed but its clock is off: it may be the origin/,
  },
  {
    name: 'backend unreachable: leg 1 got 503 and no service logged',
    spec: {
      ...base,
      status: 503,
      backends: [
        { service: 'ingest-external', offsetMs: 10, durationMs: 5, status: 503, logged: false },
      ],
    },
    expected: {
      kind: 'backend_unreachable',
      origin: 'network',
      reason: 'unreachable',
      status: 503,
    },
    summary: /gateway leg 1 to \/api\/v1\/things got 503/,
  },
  {
    name: 'backend timed out: leg 1 got 504 after 30 s and no service logged',
    spec: {
      ...base,
      durationMs: 30_100,
      status: 504,
      backends: [
        { service: 'processing', offsetMs: 10, durationMs: 30_000, status: 504, logged: false },
      ],
    },
    expected: { kind: 'backend_unreachable', origin: 'network', reason: 'timeout', status: 504 },
    summary: /timed out.*after 30\.0 s/,
  },
  {
    name: 'client error from a backend, kept apart from server errors',
    spec: { ...base, status: 404, backends: chain([404, 404, 200]) },
    expected: {
      kind: 'backend_client_error',
      origin: 'backend',
      service: 'access-internal',
      status: 404,
    },
  },
  {
    name: 'slow: 12× the route median, most of the time in metadata',
    spec: { ...base, durationMs: 240, status: 200, backends: chain([200, 200, 200]) },
    baseline: BASELINE,
    expected: { kind: 'slow', origin: null, service: 'metadata', hops: [4, 0, 1, 2, 3] },
    summary:
      /Slow: 240 ms, 12× the route's median \(p50 20 ms, p95 60 ms\); 98 ms of it in metadata/,
  },
  {
    name: 'not slow within the route p95',
    spec: {
      ...base,
      durationMs: 50,
      status: 200,
      backends: [{ service: 'referential', offsetMs: 5, durationMs: 40, status: 200 }],
    },
    baseline: BASELINE,
    expected: { kind: 'ok', origin: null },
    summary: /Answered 200 in 50 ms \(2\.5× the route's median\)/,
  },
  {
    name: 'a failure the hops cannot place',
    spec: {
      ...base,
      status: 500,
      backends: [{ service: 'x', offsetMs: 5, durationMs: 40, status: 500, logged: false }],
    },
    expected: { kind: 'backend_error', origin: 'backend', service: null, status: 500 },
  },
];

void describe('diagnose (through buildRequestTimeline)', () => {
  for (const { name, spec, baseline, expected, summary } of CASES)
    void test(name, () => {
      const events = requestEvents(spec);
      const { diagnosis } = buildRequestTimeline(events, {
        requestId: spec.requestId,
        tenant: 'tenant-a',
        totalEvents: events.length,
        otherTenantMatches: 0,
        clockSkewToleranceMs: 1_000,
        baseline: baseline ?? null,
      });
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(diagnosis[key as keyof Diagnosis], value, `${key}: ${diagnosis.summary}`);
      if (summary) assert.match(diagnosis.summary, summary);
    });
});
