// Step Functions for the workflow handlers, over the SFN client (AWS, or the local runtime's endpoint):
// start an execution, and report a task's result (the decision's way back, and the waits of the Programme and
// Pilot machines). Errors are passed on unchanged; the domain reads their names.
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { TaskCallback } from '#domain/decision.ts';
import { getSfn } from './aws.ts';

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

export const sfnTaskCallback: TaskCallback = { sendTaskSuccess };
