import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../../../core/src/observability/logger.js';
import { buildApp } from '../../../query-api/src/app.js';
import { createElasticsearchEventStore } from '../../../query-api/src/store/elasticsearch-event-store.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import { FIXTURE_START_MS, requestPinoLine, shiftedFixture } from '../../helpers/ingest.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { queryApiConfig, token } from '../../helpers/query-api.js';

/**
 * One request whose lines reach Kafka through every shipper envelope ingest knows, each written
 * from the shipper's documented output fields: the request's timeline, read through the real
 * query API, holds every hop with the service name its envelope gave.
 */

const REQUEST_ID = '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10';
const TENANT = '3';

void describe('envelopes join the request timeline (real Kafka, Elasticsearch, query API)', () => {
  const stack = new IngestTestStack();
  const shift = Date.now() - 3_600_000 - FIXTURE_START_MS;
  const at = (ms: number) => FIXTURE_START_MS + shift + ms;
  const iso = (ms: number) => new Date(at(ms)).toISOString();
  const gatewayLine = (name: string) => JSON.stringify(shiftedFixture(name, shift));

  /** A line of the request that names no service unless `fields` do: the envelope has to. */
  const pinoLine = (ms: number, fields: Record<string, unknown> = {}) =>
    requestPinoLine(at(ms), { requestId: REQUEST_ID, tenant: TENANT }, fields);

  const k8sFluentBit = (name: string, line: string) => ({
    '@timestamp': at(40) / 1000,
    stream: 'stdout',
    time: iso(40),
    log: line,
    kubernetes: {
      pod_name: `${name}-6d5f`,
      namespace_name: 'vitam',
      container_name: 'main',
      labels: { 'app.kubernetes.io/name': name },
    },
  });

  const services: [string, string][] = [
    [
      'svc-filebeat',
      JSON.stringify({
        '@timestamp': iso(21),
        message: pinoLine(21),
        agent: { type: 'filebeat', version: '8.19.0' },
        log: { file: { path: '/var/log/vitam/filebeat-demo.log' }, offset: 4120 },
        host: { name: 'vm-12' },
        fields: { service: 'svc-filebeat' },
        input: { type: 'filestream' },
        ecs: { version: '8.0.0' },
      }),
    ],
    [
      'svc-logstash',
      JSON.stringify({
        '@timestamp': iso(22),
        '@version': '1',
        host: 'vm-13',
        message: pinoLine(22, { name: 'svc-logstash' }),
      }),
    ],
    ['svc-fluentbit', JSON.stringify(k8sFluentBit('svc-fluentbit', pinoLine(23)))],
    [
      'svc-vector',
      JSON.stringify({
        message: pinoLine(24),
        source_type: 'kubernetes_logs',
        stream: 'stdout',
        timestamp: iso(24),
        file: '/var/log/pods/vitam_svc-vector-7c_0/main/0.log',
        kubernetes: {
          container_name: 'main',
          pod_labels: { app: 'svc-vector' },
          pod_name: 'svc-vector-7c',
          pod_namespace: 'vitam',
        },
      }),
    ],
    [
      'svc-docker',
      JSON.stringify({
        log: `${pinoLine(25, { name: 'svc-docker' })}\n`,
        stream: 'stdout',
        time: iso(25),
      }),
    ],
    ['svc-cri', `${iso(26)} stdout F ${pinoLine(26, { name: 'svc-cri' })}`],
    [
      'svc-syslog',
      `<134>1 ${iso(27)} vm-14 svc-syslog 4242 - [file@32473 path="/var/log/vitam/syslog-demo.log"] ${pinoLine(27)}`,
    ],
    [
      'svc-otlp',
      JSON.stringify({
        resourceLogs: [
          {
            resource: {
              attributes: [{ key: 'service.name', value: { stringValue: 'svc-otlp' } }],
            },
            scopeLogs: [
              {
                scope: { name: 'demo' },
                logRecords: [
                  {
                    timeUnixNano: `${at(28)}000000`,
                    observedTimeUnixNano: `${at(29)}000000`,
                    severityNumber: 9,
                    severityText: 'INFO',
                    body: { stringValue: 'request handled' },
                    attributes: [
                      {
                        key: 'http.request.header.x-request-id',
                        value: { arrayValue: { values: [{ stringValue: REQUEST_ID }] } },
                      },
                      {
                        key: 'http.request.header.x-tenant-id',
                        value: { arrayValue: { values: [{ stringValue: TENANT }] } },
                      },
                      { key: 'http.response.status_code', value: { intValue: '200' } },
                    ],
                    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                    spanId: 'b7ad6b7169203331',
                  },
                ],
              },
            ],
          },
        ],
      }),
    ],
    [
      'svc-nested',
      JSON.stringify({
        message: JSON.stringify(k8sFluentBit('svc-nested', pinoLine(30))),
        source_type: 'vector',
        host: 'aggregator-1',
        timestamp: iso(31),
      }),
    ],
  ];

  before(async () => {
    await stack.setUp();
    await stack.start();
  });
  after(() => stack.close());

  test('a record of every envelope kind lands in the timeline with its service name', async () => {
    await stack.produce(stack.topics.gateway, [
      JSON.stringify({
        '@timestamp': iso(60_000),
        message: gatewayLine('axway-open-traffic-leg0'),
        log: {
          file: { path: '/opt/Axway/apigateway/logs/opentraffic/group-2_instance-1_traffic.log' },
        },
        agent: { type: 'filebeat' },
        host: { name: 'gw-node-a' },
      }),
      `<134>1 ${iso(60_000)} gw-node-a axway-opentraffic - - - ${gatewayLine('axway-open-traffic-leg1')}`,
    ]);
    await stack.produce(
      stack.topics.services,
      services.map(([, record]) => record),
    );
    await stack.es.waitForCount(stack.eventsPattern, 2 + services.length, 60_000);
    await stack.waitUntilCaughtUp();

    // The app closes its store's client on close: it gets one of its own.
    const app = await buildApp(queryApiConfig({ ARIANE_INDEX_PREFIX: stack.prefix }), {
      store: createElasticsearchEventStore(new EsTestContext().client, 10_000),
      logger: createLogger('query-api-test', 'silent'),
      metrics: new Registry(),
      now: () => new Date(),
    });
    try {
      const response = await app.inject({
        method: 'GET',
        url: `/trace/v1/requests/${REQUEST_ID}`,
        headers: {
          authorization: `Bearer ${await token({ roles: ['support'], tenants: [TENANT] })}`,
          'x-tenant-id': TENANT,
        },
      });
      assert.equal(response.statusCode, 200, response.body);
      const timeline = response.json<{
        hops: { service: string; leg: number | null }[];
        events: { event: { dataset: string }; ariane: { envelopes?: string[] } }[];
      }>();
      const backendServices = timeline.hops
        .filter((hop) => hop.leg === null)
        .map((hop) => hop.service)
        .sort();
      assert.deepEqual(backendServices, services.map(([name]) => name).sort());
      const legs = timeline.hops.filter((hop) => hop.leg !== null).map((hop) => hop.leg);
      assert.deepEqual(legs.sort(), [0, 1]);
      const envelopes = timeline.events.map((e) => (e.ariane.envelopes ?? []).join('+')).sort();
      assert.deepEqual(
        envelopes.filter((e) => e !== ''),
        [
          'cri',
          'docker',
          'filebeat',
          'filebeat',
          'fluent-bit',
          'logstash',
          'otlp',
          'syslog',
          'syslog',
          'vector',
          'vector+fluent-bit',
        ].sort(),
      );
    } finally {
      await app.close();
    }
  });
});
