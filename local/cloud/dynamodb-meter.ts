// A counting proxy in front of DynamoDB Local: every request the functions and the Step Functions runtime make
// passes through it and is counted by operation (the `X-Amz-Target` header, `DynamoDB_20120810.Query` →
// `Query`), then forwarded unchanged. What a rehearsal measures for the cost model: requests, not capacity.
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardHost } from '../host-check.ts';

export interface DynamoDbMeter {
  /** The proxy's endpoint, to use instead of DynamoDB Local's. */
  url: string;
  /** Requests so far, by operation. */
  readonly counts: Record<string, number>;
  close(): Promise<void>;
}

export async function startDynamoDbMeter(options: {
  target: string;
  host?: string;
  port?: number;
}): Promise<DynamoDbMeter> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const header = req.headers['x-amz-target'];
    const operation = (Array.isArray(header) ? header[0] : header)?.split('.').pop() || 'unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    const upstream = httpRequest(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`DynamoDB Local did not answer: ${error.message}`);
    });
    req.pipe(upstream);
  });
  const host = options.host ?? '127.0.0.1';
  guardHost(server, host);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    counts,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
