// How Step Functions names an error raised by a service it calls: the service prefix and the SDK's exception
// name (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html#use-awssdk-integ).
import { StatesFailure } from '../failure.ts';

export async function asStatesError<T>(prefix: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: unknown };
    if (e.$metadata !== undefined && e.name) {
      const name = e.name.endsWith('Exception') ? e.name : `${e.name}Exception`;
      throw new StatesFailure({ error: `${prefix}.${name}`, cause: e.message ?? name });
    }
    throw new StatesFailure({ error: `${prefix}.SdkClientException`, cause: e.message ?? String(error) });
  }
}

/** The SDK output without its $metadata, as the task result. */
export function withoutMetadata(out: object): Record<string, unknown> {
  const { $metadata: _, ...rest } = out as Record<string, unknown>;
  return rest;
}
