import { setTimeout as sleep } from 'node:timers/promises';
import { errors, type Client } from '@elastic/elasticsearch';
import { personalEvent } from './jobs.js';

/**
 * The worst a live index sees: the same documents overwritten again and again (ingest itself only
 * overwrites a fallback copy with a preferred one, but any overwrite leaves a deleted version),
 * retrying whatever a write block refuses until it is stored.
 */
export class OverwritingWriter {
  written = 0;
  blockedAttempts = 0;
  firstBlockedAt = 0;
  lastBlockedAt = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    for (let round = 0; !this.stopped; round += 1) {
      const doc = personalEvent({
        '@timestamp': '2024-03-10T12:00:00.000Z',
        http: { request: { id: 'req-unrelated', method: 'GET' } },
        user: { id: 'user-unrelated' },
        client: { ip: '192.0.2.99' },
        message: `round ${round}`,
      });
      try {
        await this.es.index({ index: this.index, id: `dup-${round % 5}`, document: doc });
        this.written += 1;
      } catch (error) {
        const blocked =
          error instanceof errors.ResponseError &&
          JSON.stringify(error.body).includes('cluster_block_exception');
        if (!blocked) throw error;
        this.blockedAttempts += 1;
        this.lastBlockedAt = Date.now();
        this.firstBlockedAt ||= this.lastBlockedAt;
        round -= 1;
      }
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

export async function writeBlockSetting(es: Client, index: string): Promise<string | undefined> {
  const settings = await es.indices.getSettings({
    index,
    name: 'index.blocks.write',
    flat_settings: true,
  });
  return settings[index]?.settings?.['index.blocks.write'] as string | undefined;
}
