// The decision's way back to Step Functions: SendTaskSuccess through the SFN client (AWS, or the local
// runtime's endpoint). Errors are passed on unchanged; the domain reads their names.
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { TaskCallback } from '#domain/approval.ts';
import { getSfn } from './aws.ts';

export const sfnTaskCallback: TaskCallback = {
  async sendTaskSuccess(taskToken, output) {
    await getSfn().send(new SendTaskSuccessCommand({ taskToken, output }));
  },
};
