// The ports of the local cloud's servers: the HTTP API's (the one given, else 3000, else any free one), then
// the following free ones for the others.
import { freePort, freePorts, takePort } from '../../ports.ts';

export interface Ports {
  api: number;
  dynamodb: number;
  ses: number;
  secrets: number;
  stepfunctions: number;
  lambda: number;
  /** The local identity provider (Cognito's stand-in). */
  identity: number;
  /** The local S3 server's front (s3-front.ts). */
  s3: number;
  /** A further free port above every port taken so far (an HTTP API after the first). */
  next(): Promise<number>;
}

export async function reservePorts(port: number | undefined, host: string): Promise<Ports> {
  if (port && !(await takePort(port, host)))
    throw new Error(`port ${port} is in use: choose another with --port`);
  const api = port ? port : await freePort(port === 0 ? undefined : 3000, host);
  const [dynamodb, ses, secrets, stepfunctions, lambda, identity, s3] = (await freePorts(
    7,
    api + 1,
    host,
  )) as [number, number, number, number, number, number, number];
  const taken = [api, stepfunctions, lambda, identity, s3];
  return {
    api,
    dynamodb,
    ses,
    secrets,
    stepfunctions,
    lambda,
    identity,
    s3,
    async next() {
      const next = await freePort(Math.max(...taken) + 1, host);
      taken.push(next);
      return next;
    },
  };
}
