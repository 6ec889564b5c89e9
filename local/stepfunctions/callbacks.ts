// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat: a task token's answer (`.waitForTaskToken` tasks and
// activities) checked as the API checks it, then handed to the engine; TokenError becomes the API's error.
import { SfnApiError } from './api-errors.ts';
import type { Engine } from './engine.ts';
import { checkPayload, parse, S } from './requests.ts';
import { TokenError } from './tokens.ts';
import type { Json } from './types.ts';

type Callbacks = Pick<Engine, 'sendTaskSuccess' | 'sendTaskFailure' | 'sendTaskHeartbeat'>;

export async function sendTaskSuccess(engine: Callbacks, input: unknown): Promise<Record<string, never>> {
  const req = parse(S.success, input);
  checkPayload(req.output, 'output');
  let output: Json;
  try {
    output = JSON.parse(req.output);
  } catch {
    throw new SfnApiError('InvalidOutput', `Invalid Output: '${req.output.slice(0, 100)}'`);
  }
  await withToken(() => engine.sendTaskSuccess(req.taskToken, output));
  return {};
}

export async function sendTaskFailure(engine: Callbacks, input: unknown): Promise<Record<string, never>> {
  const req = parse(S.failure, input);
  await withToken(() => engine.sendTaskFailure(req.taskToken, { error: req.error ?? '', cause: req.cause }));
  return {};
}

export async function sendTaskHeartbeat(engine: Callbacks, input: unknown): Promise<Record<string, never>> {
  const req = parse(S.heartbeat, input);
  await withToken(() => engine.sendTaskHeartbeat(req.taskToken));
  return {};
}

async function withToken(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof TokenError) throw new SfnApiError(error.code, error.message);
    throw error;
  }
}
