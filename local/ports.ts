// Finds free TCP ports on the loopback interface for the local services.
import { createServer } from 'node:net';

/** Resolves to a port that was free a moment ago; `preferred` is tried first when given. */
export async function freePort(preferred?: number, host = '127.0.0.1'): Promise<number> {
  if (preferred !== undefined && (await isFree(preferred, host))) return preferred;
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

async function isFree(port: number, host: string): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Returns `count` distinct free ports, starting from `first` when it is free. */
export async function freePorts(count: number, first?: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  let candidate = first;
  while (ports.length < count) {
    const port = await freePort(candidate, host);
    if (!ports.includes(port)) ports.push(port);
    candidate = candidate === undefined ? undefined : candidate + 1;
  }
  return ports;
}
