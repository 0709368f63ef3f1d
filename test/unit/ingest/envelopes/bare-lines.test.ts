import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixture } from '../../../helpers/ingest.js';
import { bareLine, linesOf, onlyLine, unwrap } from './unwrap-helpers.js';

void describe('bare lines pass through untouched', () => {
  for (const name of [
    'service-pino',
    'service-ecs',
    'service-logback',
    'axway-open-traffic-leg0',
    'axway-open-traffic-leg1',
    'axway-open-traffic-summary',
    'axway-open-traffic-circuit',
    'axway-event-log-transaction',
    'generic-access-log',
  ]) {
    void test(name, () => {
      const raw = bareLine(name);
      const { line, facts, envelopes, identity } = onlyLine(unwrap(raw));
      assert.deepEqual(line, fixture(name));
      assert.deepEqual(envelopes, []);
      assert.deepEqual(facts, {});
      assert.deepEqual(identity, raw);
    });
  }

  void test('a pretty-printed line is one line, its identity the record bytes', () => {
    const raw = Buffer.from(JSON.stringify(fixture('service-pino'), null, 2) + '\n');
    const { line, identity } = onlyLine(unwrap(raw));
    assert.deepEqual(line, fixture('service-pino'));
    assert.deepEqual(identity, raw);
  });

  void test('newline-separated lines are several lines, each identified by its own bytes', () => {
    const pino = JSON.stringify(fixture('service-pino'));
    const ecs = JSON.stringify(fixture('service-ecs'));
    const lines = linesOf(unwrap(`${pino}\r\n\n${ecs}\n`));
    assert.deepEqual(
      lines.map((l) => l.identity.toString()),
      [pino, ecs],
    );
    assert.deepEqual(
      lines.map((l) => l.envelopes),
      [[], []],
    );
  });
});

void describe('lines that look like envelopes are not taken for one', () => {
  const asBare = (record: object) => {
    const raw = Buffer.from(JSON.stringify(record));
    const { line, envelopes, identity } = onlyLine(unwrap(raw));
    assert.deepEqual(envelopes, [], JSON.stringify(record));
    assert.deepEqual(line, record);
    assert.deepEqual(identity, raw);
  };

  void test('an ECS line whose message is JSON text (ecs.version is no Filebeat marker)', () => {
    asBare({ ...fixture('service-ecs'), message: '{"units":3,"query":"$and"}' });
  });

  void test('a logback line with @version and a JSON message but no host (not Logstash)', () => {
    asBare({ ...fixture('service-logback'), message: '{"dsl":{"$query":[]}}' });
  });

  void test('a pino line whose msg is JSON text', () => {
    asBare({ ...fixture('service-pino'), msg: '{"a":1}' });
  });

  void test('plain-text message beside Filebeat markers and the fields of a decoded line', () => {
    asBare({
      '@timestamp': '2026-11-20T10:00:00.020Z',
      message: 'units query executed',
      'service.name': 'vitam-metadata',
      log: { file: { path: '/var/log/vitam/metadata.log' }, level: 'info' },
      agent: { type: 'filebeat' },
      'http.request.id': '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10',
    });
  });

  void test('plain-text message beside a `source_type` and other fields of the line', () => {
    asBare({ message: 'request completed', source_type: 'http', level: 'info', time: 1 });
  });

  void test('a `log` string and a `kubernetes` object in a line that has fields of its own', () => {
    asBare({ log: 'cache warmed', kubernetes: { pod_name: 'p' }, level: 30, msg: 'x' });
  });
});

void describe('plain text inside a record made only of the envelope', () => {
  void test('Filebeat: the message and the shipper time', () => {
    const { line, envelopes, facts } = onlyLine(
      unwrap(
        JSON.stringify({
          '@timestamp': '2026-11-20T10:00:00.020Z',
          message: 'GC pause 12ms',
          agent: { type: 'filebeat' },
          host: { name: 'gw-node-a' },
          log: { file: { path: '/var/log/app.log' }, offset: 3 },
        }),
      ),
    );
    assert.deepEqual(envelopes, ['filebeat']);
    assert.deepEqual(line, { '@timestamp': '2026-11-20T10:00:00.020Z', message: 'GC pause 12ms' });
    assert.equal(facts.filePath, '/var/log/app.log');
  });

  void test('Vector file source', () => {
    const { line, envelopes } = onlyLine(
      unwrap(
        JSON.stringify({
          message: 'listening on 8444',
          source_type: 'file',
          file: '/var/log/app.log',
          host: 'n1',
          timestamp: '2026-11-20T10:00:00Z',
        }),
      ),
    );
    assert.deepEqual(envelopes, ['vector']);
    assert.deepEqual(line, {
      '@timestamp': '2026-11-20T10:00:00.000Z',
      message: 'listening on 8444',
    });
  });
});
