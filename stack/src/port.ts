import net from 'node:net';

/**
 * Whether nothing listens on 127.0.0.1:`port`. Checked before starting a server, so that a
 * port taken by something else is reported as such instead of as a server that never got ready.
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      probe.close(() => resolve(true));
    });
  });
}

export async function assertPortsFree(
  server: string,
  ports: Readonly<Record<string, number>>,
): Promise<void> {
  for (const [variable, port] of Object.entries(ports)) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `${server}: port ${port} (${variable}) is already in use by another process; ` +
          `free it or choose another port with ${variable}`,
      );
    }
  }
}
