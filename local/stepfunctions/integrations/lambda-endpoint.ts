// Runs Lambda tasks through the Lambda Invoke API at an endpoint (`--lambda-endpoint`), as Step Functions
// Local's LAMBDA_ENDPOINT does.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeLambda } from '../types.ts';
import { localClientConfig } from './client-config.ts';

export function lambdaEndpointInvoker(endpoint: string): InvokeLambda {
  const client = new LambdaClient(localClientConfig(endpoint));
  return async (functionArn, payload, meta) => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionArn,
        Payload: Buffer.from(JSON.stringify(payload ?? null)),
        ...(meta.qualifier ? { Qualifier: meta.qualifier } : {}),
        ...(meta.clientContext ? { ClientContext: meta.clientContext } : {}),
      }),
    );
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return {
      payload: parsed,
      ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
      ...(out.ExecutedVersion ? { executedVersion: out.ExecutedVersion } : {}),
      ...(out.StatusCode ? { statusCode: out.StatusCode } : {}),
    };
  };
}
