import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixture, FIXTURE_START_MS } from '../../../helpers/ingest.js';
import {
  bareLine,
  envelopeFixture,
  linesOf,
  onlyLine,
  rejection,
  unwrap,
} from './unwrap-helpers.js';

const PINO = fixture('service-pino');
const ECS = fixture('service-ecs');
const LOGBACK = fixture('service-logback');
const LEG1 = fixture('axway-open-traffic-leg1');
/** The container runtime's time of the pino line in the container fixtures (…00.031954120Z). */
const RUNTIME_MS = FIXTURE_START_MS + 31;

void describe('Filebeat and Elastic Agent', () => {
  void test('Filebeat carrying an Axway open traffic line: the line, host, file, configured service', () => {
    const { line, facts, envelopes } = onlyLine(
      unwrap(envelopeFixture('filebeat-axway-open-traffic.json')),
    );
    assert.deepEqual(line, LEG1);
    assert.deepEqual(envelopes, ['filebeat']);
    assert.deepEqual(facts, {
      shippedAtMs: FIXTURE_START_MS + 412,
      hostName: 'gw-node-a',
      filePath: '/opt/Axway/apigateway/logs/opentraffic/group-2_instance-1_traffic.log',
      shipperServiceName: 'axway-gateway',
    });
  });

  void test('Filebeat with add_kubernetes_metadata: pod facts, dedotted label keys given back their dots', () => {
    const { line, facts, envelopes } = onlyLine(
      unwrap(envelopeFixture('filebeat-pino-kubernetes.json')),
    );
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['filebeat']);
    assert.equal(facts.containerId, '0a1b2c3d4e5f');
    assert.equal(facts.stream, 'stdout');
    assert.deepEqual(facts.kubernetes, {
      namespace: 'vitam',
      podName: 'vitam-access-7f9c',
      containerName: 'access',
      labels: {
        'app.kubernetes.io/name': 'vitam-access',
        'app.kubernetes.io/part-of': 'vitam',
        tier: 'backend',
      },
    });
  });

  void test('Elastic Agent: an ECS line, the agent-level service.name as the shipper service', () => {
    const { line, facts, envelopes } = onlyLine(unwrap(envelopeFixture('elastic-agent-ecs.json')));
    assert.deepEqual(line, ECS);
    assert.deepEqual(envelopes, ['filebeat']);
    assert.equal(facts.hostName, 'meta-node-1');
    assert.equal(facts.shipperServiceName, 'vitam-metadata');
    assert.equal(facts.filePath, '/var/log/vitam/metadata/metadata.json.log');
  });

  void test("identity holds the line and where it was read, not Filebeat's time or offset", () => {
    const record = JSON.parse(envelopeFixture('filebeat-axway-open-traffic.json').toString()) as {
      '@timestamp': string;
      log: { offset: number };
    };
    const first = onlyLine(unwrap(JSON.stringify(record)));
    record['@timestamp'] = '2026-11-20T10:05:00.000Z';
    record.log.offset = 1;
    const resent = onlyLine(unwrap(JSON.stringify(record)));
    assert.deepEqual(resent.identity, first.identity);
    assert.notDeepEqual(first.identity, Buffer.from(JSON.stringify(record)));
    const elsewhere = onlyLine(unwrap(JSON.stringify({ ...record, host: { name: 'gw-node-b' } })));
    assert.notDeepEqual(elsewhere.identity, first.identity);
  });
});

void test('Logstash json codec: a logback line, host object, ECS file path', () => {
  const { line, facts, envelopes } = onlyLine(unwrap(envelopeFixture('logstash-json-codec.json')));
  assert.deepEqual(line, LOGBACK);
  assert.deepEqual(envelopes, ['logstash']);
  assert.deepEqual(facts, {
    shippedAtMs: FIXTURE_START_MS + 500,
    hostName: 'meta-node-2',
    filePath: '/var/log/vitam/metadata/metadata-json.log',
  });
});

void describe('Fluent Bit', () => {
  void test('kubernetes filter record: pod, namespace, container, labels, node, docker id', () => {
    const { line, facts, envelopes } = onlyLine(
      unwrap(envelopeFixture('fluent-bit-kubernetes.json')),
    );
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['fluent-bit']);
    // The kafka output's `@timestamp` (epoch seconds, double) wins over the runtime's `time`.
    assert.equal(facts.shippedAtMs, FIXTURE_START_MS + 246);
    assert.equal(facts.hostName, 'worker-2');
    assert.equal(facts.stream, 'stdout');
    assert.match(facts.containerId ?? '', /^0a1b2c3d4e5f/);
    assert.deepEqual(facts.kubernetes, {
      namespace: 'vitam',
      podName: 'vitam-access-7f9c',
      containerName: 'access',
      labels: {
        'app.kubernetes.io/name': 'vitam-access',
        'app.kubernetes.io/instance': 'access-prod',
        'pod-template-hash': '7f9c',
      },
    });
  });

  void test('`date` in epoch seconds with a fraction', () => {
    const { line, facts, envelopes } = onlyLine(unwrap(envelopeFixture('fluent-bit-date.json')));
    assert.deepEqual(line, ECS);
    assert.deepEqual(envelopes, ['fluent-bit']);
    assert.deepEqual(facts, { shippedAtMs: FIXTURE_START_MS + 32 });
  });

  void test('a part the cri parser did not join (`_p: P`) is a partial line', () => {
    const record = JSON.parse(envelopeFixture('fluent-bit-kubernetes.json').toString()) as object;
    const result = rejection(unwrap(JSON.stringify({ ...record, _p: 'P' })));
    assert.equal(result.reason, 'partial_line');
    assert.deepEqual(result.envelopes, ['fluent-bit']);
  });
});

void describe('Vector', () => {
  void test('kubernetes_logs source: pod facts under kubernetes.pod_*, node as host', () => {
    const { line, facts, envelopes } = onlyLine(
      unwrap(envelopeFixture('vector-kubernetes-logs.json')),
    );
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['vector']);
    assert.deepEqual(facts, {
      shippedAtMs: RUNTIME_MS,
      hostName: 'worker-2',
      filePath:
        '/var/log/pods/vitam_vitam-access-7f9c_1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/access/0.log',
      stream: 'stdout',
      containerId: 'containerd://0a1b2c3d4e5f',
      kubernetes: {
        namespace: 'vitam',
        podName: 'vitam-access-7f9c',
        containerName: 'access',
        labels: { 'app.kubernetes.io/name': 'vitam-access' },
      },
    });
  });

  void test('kubernetes_logs fields written flat with dots are read the same', () => {
    const { facts } = onlyLine(
      unwrap(
        JSON.stringify({
          message: JSON.stringify(PINO),
          source_type: 'kubernetes_logs',
          'kubernetes.pod_name': 'vitam-access-7f9c',
          'kubernetes.pod_namespace': 'vitam',
          'kubernetes.container_name': 'access',
          'kubernetes.pod_labels': { 'app.kubernetes.io/name': 'vitam-access' },
        }),
      ),
    );
    assert.deepEqual(facts.kubernetes, {
      namespace: 'vitam',
      podName: 'vitam-access-7f9c',
      containerName: 'access',
      labels: { 'app.kubernetes.io/name': 'vitam-access' },
    });
  });

  void test('file source: host, file, timestamp', () => {
    const { line, facts, envelopes } = onlyLine(unwrap(envelopeFixture('vector-file.json')));
    assert.deepEqual(line, LOGBACK);
    assert.deepEqual(envelopes, ['vector']);
    assert.deepEqual(facts, {
      shippedAtMs: FIXTURE_START_MS + 610,
      hostName: 'meta-node-2',
      filePath: '/var/log/vitam/metadata/metadata-json.log',
    });
  });

  void test('Fluent Bit forwarding to Vector: both envelopes, the inner one knows better', () => {
    const { line, facts, envelopes } = onlyLine(
      unwrap(envelopeFixture('fluent-bit-in-vector.json')),
    );
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['vector', 'fluent-bit']);
    assert.equal(facts.hostName, 'worker-2');
    assert.equal(facts.shippedAtMs, RUNTIME_MS);
    assert.equal(facts.kubernetes?.podName, 'vitam-access-7f9c');
  });
});

void describe('container runtimes', () => {
  void test('Docker json-file: the pino line, runtime time and stream', () => {
    const { line, facts, envelopes } = onlyLine(
      unwrap(envelopeFixture('docker-json-file-pino.json')),
    );
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['docker']);
    assert.deepEqual(facts, { shippedAtMs: RUNTIME_MS, stream: 'stdout' });
  });

  void test('Docker json-file with plain text: a line of the text and the runtime time', () => {
    const { line, envelopes } = onlyLine(
      unwrap('{"log":"Starting server\\n","stream":"stderr","time":"2026-11-20T10:00:00.5Z"}'),
    );
    assert.deepEqual(envelopes, ['docker']);
    assert.deepEqual(line, {
      '@timestamp': '2026-11-20T10:00:00.500Z',
      message: 'Starting server',
    });
  });

  void test('the same plain text at two times gives two identities', () => {
    const at = (time: string) =>
      onlyLine(unwrap(JSON.stringify({ log: 'health ok\n', stream: 'stdout', time })));
    assert.notDeepEqual(at('2026-11-20T10:00:00Z').identity, at('2026-11-20T10:00:10Z').identity);
  });

  void test('CRI full line', () => {
    const { line, facts, envelopes } = onlyLine(unwrap(envelopeFixture('cri-full.txt')));
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['cri']);
    assert.deepEqual(facts, { shippedAtMs: RUNTIME_MS, stream: 'stdout' });
  });

  void test('CRI P + P + F in one record are joined into one line', () => {
    const { line, envelopes } = onlyLine(unwrap(envelopeFixture('cri-partial-joined.txt')));
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['cri']);
  });

  void test('a lone CRI P line: partial_line, the shipper must join parts', () => {
    const result = rejection(unwrap(envelopeFixture('cri-lone-partial.txt')));
    assert.equal(result.reason, 'partial_line');
    assert.deepEqual(result.envelopes, ['cri']);
    assert.match(result.issues[0]!.message, /continuation is in another record/);
    assert.match(result.issues[0]!.message, /reassemble partial lines/);
  });

  void test('several CRI F lines in one record are several lines, in order', () => {
    const f = (n: number) => `2026-11-20T10:00:0${n}.000000000Z stdout F {"n":${n}}`;
    const lines = linesOf(unwrap([f(1), f(2), f(3)].join('\n')));
    assert.deepEqual(
      lines.map((l) => l.line),
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
  });
});

void describe('syslog', () => {
  void test('RFC 3164 with a JSON body: host and tag; no year, so no shipper time', () => {
    const { line, facts, envelopes } = onlyLine(unwrap(envelopeFixture('syslog-rfc3164.txt')));
    assert.deepEqual(line, PINO);
    assert.deepEqual(envelopes, ['syslog']);
    assert.deepEqual(facts, { hostName: 'app-node-3', appName: 'vitam-access' });
  });

  void test('RFC 5424 with structured data: the SD `path` param is the file', () => {
    const { line, facts, envelopes } = onlyLine(unwrap(envelopeFixture('syslog-rfc5424.txt')));
    assert.deepEqual(line, ECS);
    assert.deepEqual(envelopes, ['syslog']);
    assert.deepEqual(facts, {
      shippedAtMs: FIXTURE_START_MS + 20,
      hostName: 'meta-node-1',
      appName: 'vitam-metadata',
      filePath: '/var/log/vitam/metadata/metadata.json.log',
    });
  });
});

void describe('OTLP JSON', () => {
  const lines = () => linesOf(unwrap(envelopeFixture('otlp-json.json')));

  void test('three log records of two services give three lines in export order', () => {
    const all = lines();
    assert.equal(all.length, 3);
    assert.deepEqual(
      all.map((l) => l.facts.resourceServiceName),
      ['vitam-access', 'vitam-access', 'vitam-metadata'],
    );
    for (const l of all) assert.deepEqual(l.envelopes, ['otlp']);
    assert.equal(new Set(all.map((l) => l.identity.toString('hex'))).size, 3);
  });

  void test('a body holding a JSON object: that object is the line; resource and record are facts', () => {
    const { line, facts } = lines()[0]!;
    assert.deepEqual(line, PINO);
    assert.deepEqual(facts, {
      shippedAtMs: FIXTURE_START_MS + 245,
      resourceServiceName: 'vitam-access',
      hostName: 'worker-2',
      filePath: '/var/log/vitam/access/access.log',
      kubernetes: { namespace: 'vitam', podName: 'vitam-access-7f9c', containerName: 'access' },
    });
  });

  void test('a plain text body: a line from the record, HTTP attributes under their own names', () => {
    const { line, facts } = lines()[1]!;
    assert.deepEqual(line, {
      '@timestamp': '2026-11-20T10:00:00.032Z',
      message: 'request completed',
      'log.level': 'info',
      'http.request.method': 'GET',
      'url.path': '/access-external/v1/units',
      'http.response.status_code': 200,
      'http.request.header.x-request-id': '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10',
      'http.request.header.x-correlationid': 'Id-5f3d2a6b0c00e4a1b2c3d4e5 1',
      'http.server.request.duration': 0.031,
      'user_agent.synthetic': false,
    });
    assert.equal(facts.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(facts.spanId, '00f067aa0ba902b7');
  });

  void test('a kvlist body: its fields as top-level keys; level from severityNumber; zero ids dropped', () => {
    const { line, facts } = lines()[2]!;
    assert.deepEqual(line, {
      '@timestamp': '2026-11-20T10:00:00.020Z',
      message: 'DSL query failed',
      'mdc.X-Request-Id': '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10',
      'mdc.X-Tenant-Id': '3',
      'thread.name': 'http-nio-8444-exec-3',
      'log.level': 'error',
    });
    assert.equal(facts.traceId, undefined);
    assert.equal(facts.spanId, undefined);
    assert.equal(facts.hostName, 'meta-node-1');
  });

  void test('an export without log records holds no line', () => {
    assert.deepEqual(linesOf(unwrap('{"resourceLogs":[]}')), []);
  });
});

void test('bare fixture lines are untouched by the same stage', () => {
  for (const name of ['service-pino', 'axway-open-traffic-leg1']) {
    const raw = bareLine(name);
    const { identity } = onlyLine(unwrap(raw));
    assert.deepEqual(identity, raw);
  }
});
