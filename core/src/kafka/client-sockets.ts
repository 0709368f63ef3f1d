import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** kafkajs's own keep-alive probe delay on broker sockets, kept so the factory changes nothing. */
const KEEP_ALIVE_MS = 60_000;

/** The reason a leftover socket is closed with; kafkajs logs it as a connection error. */
export const LEFTOVER_SOCKET_CLOSED = 'closed by the client owner: kafkajs no longer tracked it';

export interface ClientSockets {
  /** Opens broker sockets as kafkajs does (TCP, or TLS with SNI for a host name) and counts them. */
  readonly socketFactory: ISocketFactory;
  /** Sockets opened and not closed yet. */
  open(): number;
  /**
   * Fails every socket still open and returns how many there were. Only for the owner of the
   * client, once each consumer, producer and admin made from it has disconnected: whatever is
   * open then is a socket kafkajs forgot.
   *
   * kafkajs does forget some. When a broker closes a connection under an in-flight fetch, the
   * consumer group drops that broker from the cluster's pool without disconnecting it
   * (`ConsumerGroup.recoverFromFetch` → `cluster.removeBroker`), yet keeps it as its group
   * coordinator: the next heartbeat reconnects it, `disconnect()` closes only the brokers still in
   * the pool, and the socket then keeps the process alive. Ingest's decoupled delivery has a fetch
   * in flight nearly always, so a broker restart (`zz-faults/server-restarts.test.ts`) lands there.
   */
  closeLeftovers(): number;
}

export function createClientSockets(): ClientSockets {
  const sockets = new Set<net.Socket>();
  return {
    socketFactory: ({ host, port, ssl, onConnect }) => {
      const socket = ssl
        ? tls.connect(
            { host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl },
            onConnect,
          )
        : net.connect({ host, port }, onConnect);
      socket.setKeepAlive(true, KEEP_ALIVE_MS);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return socket;
    },
    open: () => sockets.size,
    closeLeftovers: () => {
      const leftovers = [...sockets];
      // With an error, not a bare destroy: kafkajs's connection then rejects what it still
      // awaits and stops its request-queue timers, which would keep the process alive too.
      const forgotten = new Error(LEFTOVER_SOCKET_CLOSED);
      for (const socket of leftovers)
        if (socket.listenerCount('error') > 0) socket.destroy(forgotten);
        else socket.destroy();
      sockets.clear();
      return leftovers.length;
    },
  };
}
