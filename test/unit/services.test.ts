import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { SERVICES } from '../../scripts/services.js';

const scripts = (
  JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
).scripts;

void describe('how the services run', () => {
  void test('npm run <service> builds first, then runs the compiled entry with its node flags', () => {
    for (const [name, service] of Object.entries(SERVICES)) {
      assert.equal(scripts[`pre${name}`], 'npm run build --silent');
      assert.equal(scripts[name], ['node', ...service.nodeFlags, service.compiled].join(' '));
    }
  });

  void test('the compiled entries are what tsconfig.build.json emits for the sources', () => {
    for (const service of Object.values(SERVICES))
      assert.equal(service.compiled, `dist/${service.source.replace(/\.ts$/, '.js')}`);
  });

  void test('ingest runs with a capped heap by default', () => {
    assert.ok(SERVICES.ingest.nodeFlags.some((flag) => /^--max-old-space-size=\d+$/.test(flag)));
  });
});
