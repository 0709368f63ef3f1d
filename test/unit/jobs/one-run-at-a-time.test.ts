import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger } from '../../../core/src/observability/logger.js';
import { oneRunAtATime } from '../../../jobs/src/one-run-at-a-time.js';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('jobs', 'debug', destination), lines };
}

describe('oneRunAtATime', () => {
  test('a tick during a run is skipped and logged at debug; the next tick after it runs', async () => {
    const { logger, lines } = capturedLogger();
    const running = new Set<Promise<unknown>>();
    let starts = 0;
    let finish: () => void = () => undefined;
    const tick = oneRunAtATime(
      'anonymisation',
      () => {
        starts += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      running,
      logger,
    );
    const first = tick();
    await tick();
    assert.equal(starts, 1);
    assert.equal(running.size, 1);
    finish();
    await first;
    assert.equal(running.size, 0);
    const second = tick();
    assert.equal(starts, 2);
    finish();
    await second;
    const skipped = lines.filter((line) => line.msg === 'previous run still going: tick skipped');
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]?.level, 20);
    assert.equal(skipped[0]?.job, 'anonymisation');
  });

  test('a failed run frees the schedule and leaves nothing running', async () => {
    const { logger } = capturedLogger();
    const running = new Set<Promise<unknown>>();
    let starts = 0;
    const tick = oneRunAtATime(
      'retention',
      () => {
        starts += 1;
        return Promise.reject(new Error('boom'));
      },
      running,
      logger,
    );
    await tick();
    await tick();
    assert.equal(starts, 2);
    assert.equal(running.size, 0);
  });
});
