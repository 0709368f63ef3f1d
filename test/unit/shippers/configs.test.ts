import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { otelcolManifest } from '../../../stack/src/otelcol.js';
import { PROJECT_ROOT } from '../../../stack/src/stack-config.js';
import { OTELCOL_CONFIG, otelcolBinary } from '../../helpers/otelcol.js';
import { RsyslogShipper, rsyslogUnavailable } from '../../helpers/rsyslog.js';

// The shipper configurations of deploy/shippers/, checked without servers: by the shipper
// itself where it is installed (rsyslogd -N1, otelcol validate), otherwise for what Ariane
// depends on (topics, no JSON decoding, a compression ingest can read).

const SHIPPERS = path.join(PROJECT_ROOT, 'deploy', 'shippers');
const yamlOf = (file: string) => parse(readFileSync(path.join(SHIPPERS, file), 'utf8')) as unknown;

test('the ocb manifest pins every module to the collector release it names', () => {
  const manifest = otelcolManifest(PROJECT_ROOT);
  const doc = yamlOf('otelcol/builder-config.yaml') as Record<string, { gomod: string }[]>;
  const modules = ['receivers', 'processors', 'exporters'].flatMap((kind) => doc[kind] ?? []);
  assert.ok(modules.length >= 3);
  for (const { gomod } of modules) assert.match(gomod, new RegExp(` v${manifest.version}$`));
});

test(
  'rsyslogd -N1 accepts rsyslog/ariane.conf',
  { skip: rsyslogUnavailable() ?? false },
  async () => {
    const shipper = new RsyslogShipper({
      brokers: ['127.0.0.1:9092'],
      gatewayTopic: 'ariane.gateway',
      servicesTopic: 'ariane.services',
      serviceName: 'vitam-access',
    });
    try {
      shipper.validate();
    } finally {
      await shipper.close();
    }
  },
);

const otelcol = otelcolBinary();
test(
  'the collector accepts otelcol/config.yaml',
  { skip: 'missing' in otelcol ? otelcol.missing : false },
  () => {
    assert.ok('binary' in otelcol);
    const run = spawnSync(otelcol.binary, ['validate', '--config', OTELCOL_CONFIG], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
  },
);

test('every Kafka producer sets a compression ingest decodes (gzip, snappy, lz4, zstd or none)', () => {
  const texts = [
    'filebeat/filebeat.yml',
    'fluent-bit/fluent-bit.yaml',
    'vector/vector.yaml',
    'otelcol/config.yaml',
    'rsyslog/ariane.conf',
  ].map((file) => readFileSync(path.join(SHIPPERS, file), 'utf8'));
  const codecs = texts.flatMap((text) =>
    [...text.matchAll(/compression(?:\.codec)?["']?\s*[:=]\s*["']?(\w+)/g)].map((m) =>
      String(m[1]),
    ),
  );
  assert.ok(codecs.length >= texts.length, 'every producer sets its compression');
  for (const codec of codecs)
    assert.ok(['gzip', 'snappy', 'lz4', 'zstd', 'none'].includes(codec), `compression ${codec}`);
});

test('gateway shippers route to ariane.gateway and service shippers to ariane.services', () => {
  const filebeat = yamlOf('filebeat/filebeat.yml') as {
    'filebeat.inputs': { fields: { kafka_topic: string }; parsers?: unknown }[];
    'output.kafka': { topic: string };
  };
  assert.equal(filebeat['output.kafka'].topic, '%{[fields.kafka_topic]}');
  for (const input of filebeat['filebeat.inputs']) {
    assert.equal(input.fields.kafka_topic, 'ariane.gateway');
    assert.equal(input.parsers, undefined, 'the line stays in message, undecoded');
  }
  const fluentBit = yamlOf('fluent-bit/fluent-bit.yaml') as {
    pipeline: { outputs: { topics: string }[] };
  };
  assert.equal(fluentBit.pipeline.outputs[0]?.topics, 'ariane.services');
  const vector = yamlOf('vector/vector.yaml') as { sinks: { kafka: { topic: string } } };
  assert.equal(vector.sinks.kafka.topic, 'ariane.services');
  const collector = yamlOf('otelcol/config.yaml') as {
    exporters: { kafka: { logs: { topic: string; encoding: string } } };
  };
  assert.match(collector.exporters.kafka.logs.topic, /:-ariane\.services\}$/);
  assert.equal(collector.exporters.kafka.logs.encoding, 'otlp_json');
});
