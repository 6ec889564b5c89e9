// A tiny server speaking the Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations), standing in for
// a Lambda endpoint in the --lambda-endpoint and restart tests.
import { createServer, type Server } from 'node:http';
import { freePort } from '#local/ports.ts';

export type Handler = (payload: unknown) => Promise<unknown> | unknown;

export interface LambdaServer {
  url: string;
  calls: Array<{ functionName: string; payload: unknown }>;
  close(): Promise<void>;
}

/** Handlers by function name; a handler that throws reports an Unhandled function error with its name. */
export async function startLambdaServer(handlers: Record<string, Handler>): Promise<LambdaServer> {
  const calls: LambdaServer['calls'] = [];
  const server: Server = createServer(async (req, res) => {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const arn = decodeURIComponent(m?.[1] ?? '');
    const functionName = arn.split(':function:').pop()!.split(':')[0]!;
    const handler = handlers[functionName];
    if (!m || !handler) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
      res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${arn}` }));
      return;
    }
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    calls.push({ functionName, payload });
    try {
      const out = await handler(payload);
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      res.end(JSON.stringify(out ?? null));
    } catch (error) {
      const e = error as Error;
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
      res.end(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }));
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
