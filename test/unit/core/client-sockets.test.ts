import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import type tls from 'node:tls';
import { createClientSockets } from '../../../core/src/kafka/client-sockets.js';

/** What kafkajs passes as `ssl` for a client without TLS (its declared type omits it). */
const NO_TLS = null as unknown as tls.ConnectionOptions;

test('a socket the client closed is not a leftover; one it forgot is destroyed, once', async () => {
  // A loopback listener stands in for the broker: it only accepts, and sees its peers close.
  const peers: net.Socket[] = [];
  const broker = net.createServer((peer) => peers.push(peer)).listen(0, '127.0.0.1');
  await once(broker, 'listening');
  const { port } = broker.address() as net.AddressInfo;
  const sockets = createClientSockets();
  const errors: string[] = [];
  const open = () =>
    new Promise<net.Socket>((resolve) => {
      const socket = sockets.socketFactory({
        host: '127.0.0.1',
        port,
        ssl: NO_TLS,
        onConnect: () => resolve(socket),
      });
      // kafkajs listens for errors on its sockets: a leftover is failed with one.
      socket.on('error', (error) => errors.push(error.message));
    });

  try {
    const closedByClient = await open();
    await open(); // the one the client forgets
    assert.equal(sockets.open(), 2);
    closedByClient.destroy();
    await waitUntil(() => sockets.open() === 1);

    assert.equal(sockets.closeLeftovers(), 1);
    await waitUntil(() => peers.length === 2 && peers.every((peer) => peer.closed));
    assert.deepEqual(errors, ['closed by the client owner: kafkajs no longer tracked it']);
    assert.equal(sockets.open(), 0);
    assert.equal(sockets.closeLeftovers(), 0, 'nothing is left the second time');
  } finally {
    sockets.closeLeftovers();
    await new Promise((resolve) => broker.close(resolve));
  }
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'condition not met within 2 s');
}
