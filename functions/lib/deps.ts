// The dependencies of the workflow handlers' domain code, made from the clients created once per instance.
// `now` is `new Date()`: real time on AWS, the controlled clock in the local cloud's workers.
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Deps } from '#domain/deps.ts';
import { sendEmail } from '#email/send.ts';
import { getSfn, getStore } from './aws.ts';

export function workflowDeps(): Deps {
  return { store: getStore(), now: () => new Date(), sendEmail };
}

export async function startExecution(args: {
  stateMachineArn: string;
  name: string;
  input: string;
}): Promise<string> {
  const out = await getSfn().send(new StartExecutionCommand(args));
  return out.executionArn ?? '';
}

export async function sendTaskSuccess(taskToken: string, output: string): Promise<void> {
  await getSfn().send(new SendTaskSuccessCommand({ taskToken, output }));
}
