import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/src/config/parse-env.js';
import { loadStackConfig, PROJECT_ROOT } from '../../stack/src/stack-config.js';

void describe('loadStackConfig', () => {
  void it('defaults to the standard ports and a .stack folder in the repository', () => {
    const config = loadStackConfig({});
    assert.equal(config.KAFKA_PORT, 9092);
    assert.equal(config.KAFKA_CONTROLLER_PORT, 9093);
    assert.equal(config.ES_PORT, 9200);
    assert.equal(config.ES_TRANSPORT_PORT, 9300);
    assert.equal(config.root, path.join(PROJECT_ROOT, '.stack'));
    assert.ok(Object.isFrozen(config));
  });

  void it('treats an empty variable as unset and resolves a relative stack dir from the root', () => {
    const config = loadStackConfig({ KAFKA_PORT: '', ARIANE_STACK_DIR: 'tmp/stack' }, '/repo');
    assert.equal(config.KAFKA_PORT, 9092);
    assert.equal(config.root, '/repo/tmp/stack');
  });

  void it('rejects a bad port, naming the variable and the value', () => {
    assert.throws(
      () => loadStackConfig({ ES_PORT: '70000', KAFKA_PORT: 'nine' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 2);
        assert.match(error.message, /ES_PORT: .*"70000"/);
        assert.match(error.message, /KAFKA_PORT: .*"nine"/);
        return true;
      },
    );
  });
});
