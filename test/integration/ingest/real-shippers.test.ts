import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createElasticsearchClient } from '../../../core/src/es/client.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import { buildApp } from '../../../query-api/src/app.js';
import { createElasticsearchEventStore } from '../../../query-api/src/store/elasticsearch-event-store.js';
import { FIXTURE_START_MS, requestPinoLine, shiftedFixture } from '../../helpers/ingest.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { collectMessages, KafkaTestContext } from '../../helpers/kafka.js';
import { kcatProduce, kcatUnavailable } from '../../helpers/kcat.js';
import { OtelcolShipper, otelcolBinary } from '../../helpers/otelcol.js';
import { authHeaders, queryApiConfig } from '../../helpers/query-api.js';
import { RsyslogShipper, rsyslogUnavailable } from '../../helpers/rsyslog.js';
import { waitFor } from '../../helpers/wait.js';

// Real shippers in front of Kafka: rsyslog running deploy/shippers/rsyslog/ariane.conf tails an
// Axway open-traffic file and a service's pino file, kcat produces a Docker json-file envelope,
// the OpenTelemetry Collector running deploy/shippers/otelcol/config.yaml tails another
// service's file; ingest opens the envelopes, and the request's timeline is rebuilt through the
// query API. The collector's case is skipped when it has not been built (it needs Go).

const REQUEST_ID = '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10';
const TENANT = '3';
/** The Tag of rsyslog's service input, hence the APP-NAME of its records. */
const SERVICE_FROM_APP_NAME = 'vitam-access';

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [file path="…"] MSG`, as ariane.conf writes it. */
const RFC5424_RECORD =
  /^<134>1 (?<timestamp>\S+) (?<host>\S+) (?<app>\S+) - - \[file path="(?<path>(?:[^"\\\]]|\\["\\\]])*)"\] (?<msg>.*)$/s;

interface Timeline {
  hops: {
    kind: string;
    service: string;
    leg: number | null;
    parent: number | null;
    link: string;
  }[];
  summary: { services: string[] };
}

const rsyslogMissing = rsyslogUnavailable();
const kcatMissing = kcatUnavailable();
const otelcol = otelcolBinary();

void describe(
  'real shippers to a rebuilt timeline (rsyslog, kcat; real Kafka and Elasticsearch)',
  {
    skip: rsyslogMissing ?? kcatMissing ?? false,
  },
  () => {
    const stack = new IngestTestStack();
    // The fixtures' request happens "an hour ago", well inside retention.
    const shift = Date.now() - 3_600_000 - FIXTURE_START_MS;
    const leg0 = JSON.stringify(shiftedFixture('axway-open-traffic-leg0', shift));
    const leg1 = JSON.stringify(shiftedFixture('axway-open-traffic-leg1', shift));
    // The service's own line names no service: the name must come from the envelope's APP-NAME.
    const pinoFields = shiftedFixture('service-pino', shift);
    delete pinoFields.name;
    const pino = JSON.stringify(pinoFields);

    // Test-side readers of the topics, closed before the stack deletes the topics.
    const readers = new KafkaTestContext();
    let rsyslog: RsyslogShipper | undefined;
    let collector: OtelcolShipper | undefined;
    let app: Awaited<ReturnType<typeof buildApp>> | undefined;

    before(async () => {
      await stack.setUp();
      await stack.start();
      rsyslog = new RsyslogShipper({
        brokers: stack.config.KAFKA_BROKERS,
        gatewayTopic: stack.topics.gateway,
        servicesTopic: stack.topics.services,
        serviceName: SERVICE_FROM_APP_NAME,
      });
      await rsyslog.start();
      const config = queryApiConfig({
        ARIANE_INDEX_PREFIX: stack.prefix,
        ES_URL: process.env.ES_URL ?? 'http://127.0.0.1:9200',
      });
      app = await buildApp(config, {
        store: createElasticsearchEventStore(createElasticsearchClient(config), 10_000),
        logger: createLogger('query-api-test', 'silent'),
        metrics: new Registry(),
      });
    });

    after(async () => {
      await rsyslog?.close();
      await collector?.close();
      await app?.close();
      await readers.close();
      await stack.close();
    });

    /** Records of a topic so far. */
    const recordCount = async (topic: string): Promise<number> => {
      const offsets = await (await readers.admin()).fetchTopicOffsets(topic);
      return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    };

    /** The dead-letter records so far, as `code: reason`, for failure messages. */
    const deadLetters = async (): Promise<string[]> => {
      const count = await recordCount(stack.topics.deadLetter);
      if (count === 0) return [];
      const messages = await collectMessages(
        await readers.consumer('real-shippers-dlq'),
        stack.topics.deadLetter,
        count,
      );
      return messages.map((message) => {
        const record = JSON.parse(String(message.value)) as { code?: string; reason?: string };
        return `${record.code ?? '?'}: ${record.reason ?? '?'}`;
      });
    };

    /** Polls the request's timeline until `done` holds; on timeout, says what was dead-lettered. */
    const timelineWhen = async (done: (timeline: Timeline) => boolean): Promise<Timeline> => {
      await stack.waitUntilCaughtUp();
      let last = 'no answer';
      try {
        return await waitFor(
          'the request timeline',
          async () => {
            const response = await app!.inject({
              url: `/trace/v1/requests/${REQUEST_ID}`,
              headers: await authHeaders(TENANT, { tenants: [TENANT] }),
            });
            last = `${response.statusCode} ${response.body.slice(0, 2_000)}`;
            if (response.statusCode !== 200) return undefined;
            const timeline = response.json<Timeline>();
            return done(timeline) ? timeline : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 250 },
        );
      } catch (error) {
        const rejected = await deadLetters();
        throw new Error(
          `${(error as Error).message}\nlast answer: ${last}\ndead-lettered: ${JSON.stringify(rejected)}`,
          { cause: error },
        );
      }
    };

    void test('rsyslog ships each tailed line as one RFC 5424 record whose MSG is the line, untouched', async () => {
      assert.ok(rsyslog);
      rsyslog.append(rsyslog.trafficFile, [leg0, leg1]);
      rsyslog.append(rsyslog.serviceFile, [pino]);

      const [gateway, services] = await Promise.all([
        collectMessages(await readers.consumer('rsyslog-gateway'), stack.topics.gateway, 2),
        collectMessages(await readers.consumer('rsyslog-services'), stack.topics.services, 1),
      ]).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nrsyslogd said:\n${rsyslog?.output() ?? ''}`, {
          cause: error,
        });
      });
      rsyslog.assertRunning();

      const parse = (value: Buffer | null) => {
        const text = String(value);
        const match = RFC5424_RECORD.exec(text);
        assert.ok(match?.groups, `not the expected RFC 5424 record: ${text.slice(0, 300)}`);
        assert.ok(!Number.isNaN(Date.parse(match.groups.timestamp ?? '')), 'RFC 3339 timestamp');
        return match.groups;
      };
      const gatewayRecords = gateway.map((message) => parse(message.value));
      assert.deepEqual(gatewayRecords.map((record) => record.msg).sort(), [leg0, leg1].sort());
      for (const record of gatewayRecords) {
        assert.equal(record.app, 'axway-gateway');
        assert.equal(record.path, rsyslog.trafficFile);
      }
      const [service] = services.map((message) => parse(message.value));
      assert.equal(service?.msg, pino);
      assert.equal(service?.app, SERVICE_FROM_APP_NAME);
      assert.equal(service?.path, rsyslog.serviceFile);
    });

    void test('the timeline holds both gateway legs and the service hop named by the APP-NAME', async () => {
      const timeline = await timelineWhen((t) => t.hops.some((hop) => hop.kind === 'service'));
      assert.deepEqual(
        timeline.hops.map((hop) => [hop.kind, hop.leg]),
        [
          ['gateway_leg', 0],
          ['gateway_leg', 1],
          ['service', null],
        ],
      );
      const hop = timeline.hops.find((h) => h.kind === 'service');
      assert.equal(hop?.service, SERVICE_FROM_APP_NAME);
      assert.equal(hop?.parent, 1, 'called by the gateway leg 1 (X-CorrelationID)');
      assert.equal(hop?.link, 'correlation');
      assert.deepEqual(timeline.summary.services, [SERVICE_FROM_APP_NAME]);
    });

    void test('a Docker json-file record produced by kcat joins the same timeline', async () => {
      // The backend the service called, logging through the container runtime: the envelope
      // holds the pino line as text, with a trailing newline, as Docker's json-file driver writes it.
      const at = FIXTURE_START_MS + shift + 40;
      const inner = requestPinoLine(
        at,
        { requestId: REQUEST_ID, tenant: TENANT },
        { name: 'vitam-metadata' },
      );
      const dockerRecord = JSON.stringify({
        log: `${inner}\n`,
        stream: 'stdout',
        time: new Date(at + 1).toISOString().replace('Z', '123456Z'),
      });
      await kcatProduce(stack.config.KAFKA_BROKERS, stack.topics.services, [dockerRecord]);

      const timeline = await timelineWhen((t) => t.summary.services.includes('vitam-metadata'));
      assert.deepEqual(timeline.summary.services.sort(), [SERVICE_FROM_APP_NAME, 'vitam-metadata']);
      assert.deepEqual(
        timeline.hops.filter((hop) => hop.kind === 'gateway_leg').map((hop) => hop.leg),
        [0, 1],
      );
    });

    void test(
      'otelcol ships a pino line as OTLP JSON, and the service is named by the resource',
      { skip: 'missing' in otelcol ? otelcol.missing : false },
      async () => {
        assert.ok('binary' in otelcol);
        collector = new OtelcolShipper({
          binary: otelcol.binary,
          brokers: stack.config.KAFKA_BROKERS,
          servicesTopic: stack.topics.services,
          serviceName: 'vitam-storage',
        });
        await collector.start();
        const before = await recordCount(stack.topics.services);
        // Another backend of the same request, whose line names no service either.
        const line = requestPinoLine(FIXTURE_START_MS + shift + 45, {
          requestId: REQUEST_ID,
          tenant: TENANT,
        });
        collector.append([line]);

        const records = await collectMessages(
          await readers.consumer('otelcol-services'),
          stack.topics.services,
          before + 1,
        ).catch((error: unknown) => {
          throw new Error(
            `${(error as Error).message}\notelcol said:\n${collector?.output() ?? ''}`,
            {
              cause: error,
            },
          );
        });
        collector.assertRunning();
        const otlp = records
          .map((m) => String(m.value))
          .find((v) => v.startsWith('{"resourceLogs"'));
        assert.ok(otlp, 'an OTLP/JSON record on the services topic');
        const [resourceLogs] = (JSON.parse(otlp) as { resourceLogs: OtlpResourceLogs[] })
          .resourceLogs;
        assert.equal(attribute(resourceLogs?.resource.attributes, 'service.name'), 'vitam-storage');
        const [record] = resourceLogs?.scopeLogs[0]?.logRecords ?? [];
        assert.equal(record?.body.stringValue, line, 'the body is the line, untouched');
        assert.equal(attribute(record?.attributes, 'log.file.path'), collector.serviceFile);

        const timeline = await timelineWhen((t) => t.summary.services.includes('vitam-storage'));
        assert.ok(
          timeline.hops.some((hop) => hop.kind === 'service' && hop.service === 'vitam-storage'),
        );
      },
    );
  },
);

interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string };
}
interface OtlpResourceLogs {
  resource: { attributes: OtlpKeyValue[] };
  scopeLogs: { logRecords: { body: { stringValue?: string }; attributes: OtlpKeyValue[] }[] }[];
}

function attribute(attributes: readonly OtlpKeyValue[] | undefined, key: string) {
  return attributes?.find((a) => a.key === key)?.value.stringValue;
}
