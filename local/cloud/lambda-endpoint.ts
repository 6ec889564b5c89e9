// The Lambda Invoke API over HTTP for the local functions, so an SDK Lambda client (a function calling
// another through AWS_ENDPOINT_URL_LAMBDA, a script, `pilotflow stepfunctions --lambda-endpoint`) reaches
// them as it would reach Lambda: RequestResponse, Event (202, run in the background) and DryRun (204).
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeResult } from './lambda.ts';

export interface LambdaEndpointOptions {
  port: number;
  host?: string;
  find: (nameOrArn: string) => unknown;
  invoke: (nameOrArn: string, payload: unknown, options: { clientContext?: string }) => Promise<InvokeResult>;
  /** Called with every background (Event) invocation, so the clock can wait for it. */
  track?: (work: Promise<unknown>) => void;
}

export class LambdaEndpoint {
  readonly server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async listen(options: LambdaEndpointOptions): Promise<LambdaEndpoint> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const fail = (status: number, type: string, message: string) => {
          res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
          res.end(JSON.stringify({ Type: 'User', Message: message, message }));
        };
        const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(
          new URL(req.url ?? '/', 'http://l').pathname,
        );
        if (req.method !== 'POST' || !match?.[1])
          return fail(404, 'UnknownOperationException', 'Unknown operation');
        const name = decodeURIComponent(match[1]);
        if (!options.find(name)) return fail(404, 'ResourceNotFoundException', `Function not found: ${name}`);
        const text = Buffer.concat(chunks).toString('utf8');
        let payload: unknown;
        try {
          payload = text ? JSON.parse(text) : {};
        } catch {
          return fail(400, 'InvalidRequestContentException', 'Could not parse request body into json');
        }
        const clientContext = req.headers['x-amz-client-context'];
        const invokeOptions = typeof clientContext === 'string' ? { clientContext } : {};
        const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
        if (type === 'DryRun') {
          res.writeHead(204);
          return res.end();
        }
        const work = options.invoke(name, payload, invokeOptions);
        if (type === 'Event') {
          options.track?.(work.catch(() => {}));
          res.writeHead(202, { 'content-length': '0' });
          return res.end();
        }
        work.then(
          (result) => {
            const body = JSON.stringify(result.payload ?? null);
            res.writeHead(200, {
              'content-type': 'application/json',
              'x-amz-executed-version': result.executedVersion,
              ...(result.functionError ? { 'x-amz-function-error': result.functionError } : {}),
            });
            res.end(body);
          },
          (error: Error) => fail(500, error.name || 'ServiceException', error.message),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new LambdaEndpoint(server, `http://${host}:${port}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
