import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { SERVICES } from '../../../scripts/services.js';
import { ELASTICSEARCH_VERSION, KAFKA_VERSION } from '../../../stack/src/stack-config.js';

interface ComposeService {
  image?: string;
  environment?: Record<string, unknown>;
  healthcheck?: unknown;
  build?: unknown;
  command?: string[];
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  test('is accepted by a real compose parser', () => {
    const result = spawnSync(
      'docker-compose',
      ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', '-q'],
      { encoding: 'utf8' },
    );
    assert.equal(
      result.error,
      undefined,
      'docker-compose is not installed: apt-get install docker-compose (.ci/run does it)',
    );
    assert.equal(result.status, 0, result.stderr);
  });

  test('runs the same Kafka and Elasticsearch versions as the local stack', () => {
    assert.equal(services.kafka?.image, `apache/kafka:${KAFKA_VERSION}`);
    assert.equal(
      services.elasticsearch?.image,
      `docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}`,
    );
    assert.equal(
      services.kibana?.image,
      `docker.elastic.co/kibana/kibana:${ELASTICSEARCH_VERSION}`,
    );
  });

  test('uses an Elasticsearch client of the same major version as the server', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    const client = lock.packages['node_modules/@elastic/elasticsearch']?.version ?? '';
    assert.equal(client.split('.')[0], ELASTICSEARCH_VERSION.split('.')[0]);
  });

  test('runs each service compiled, with the node flags npm start uses', () => {
    for (const [name, service] of Object.entries(SERVICES))
      assert.deepEqual(services[name]?.command, ['node', ...service.nodeFlags, service.compiled]);
  });

  test('builds every Ariane service from the one Dockerfile, each with a health check', () => {
    for (const name of ['ingest', 'query-api', 'jobs']) {
      const service = services[name];
      assert.ok(service, `service ${name} is missing`);
      assert.equal(service.build, '.');
      assert.ok(service.healthcheck, `service ${name} has no health check`);
    }
    assert.equal(services.setup?.build, '.');
  });

  test('keeps Elasticsearch security on, with passwords from the environment', () => {
    const env = services.elasticsearch?.environment ?? {};
    assert.equal(env['xpack.security.enabled'], 'true');
    assert.match(String(env.ELASTIC_PASSWORD), /^\$\{ELASTIC_PASSWORD/);
  });
});
