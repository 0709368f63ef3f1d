import { spawn, spawnSync } from 'node:child_process';

/** Why kcat cannot run here, or undefined when it can. */
export function kcatUnavailable(): string | undefined {
  const run = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  if (run.error) return `kcat not found (${run.error.message}); apt-get install kcat`;
  return run.status === 0 ? undefined : `kcat -V failed: ${run.stderr.trim()}`;
}

/**
 * Produces each value as one record with kcat (librdkafka), a client other than Ariane's own,
 * waiting for every acknowledgement (acks=all). Values must not contain a newline: kcat reads
 * one record per line. Asynchronous, so an in-process ingest keeps consuming meanwhile.
 *
 * With `compression`, the values are queued before the first send (linger.ms) and the
 * partitioner sticks to one partition, so they make one batch, compressed well enough that
 * librdkafka keeps it compressed.
 */
export function kcatProduce(
  brokers: readonly string[],
  topic: string,
  values: readonly string[],
  options: { compression?: 'gzip' | 'snappy' | 'lz4' | 'zstd' } = {},
): Promise<void> {
  for (const value of values)
    if (value.includes('\n')) throw new Error('kcat reads one record per line: remove the newline');
  const batching = options.compression
    ? ['-z', options.compression, '-X', 'linger.ms=200', '-X', 'sticky.partitioning.linger.ms=1000']
    : ['-X', 'linger.ms=0'];
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kcat',
      ['-P', '-b', brokers.join(','), '-t', topic, '-X', 'acks=all', ...batching],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat -P exited with ${code}: ${stderr.trim()}`)),
    );
    child.stdin.end(values.map((value) => `${value}\n`).join(''));
  });
}
