// Step Functions: the project's durable runtime (local/stepfunctions), data under <data-dir>/stepfunctions,
// with the template's state machines deployed into it and the SFN API on its own port.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlledClock } from '../../clock.ts';
import type { LocalAws } from '../../dynamodb-local.ts';
import { StepFunctionsRuntime } from '../../stepfunctions/runtime.ts';
import { LOCAL_ACCOUNT } from '../intrinsics.ts';
import type { LambdaService } from '../lambda.ts';
import { deployStateMachines, type LocalStateMachine } from '../state-machines.ts';
import type { Service } from './compose.ts';

export interface StepFunctionsService extends Service {
  runtime: StepFunctionsRuntime;
  /** The SFN API's endpoint. */
  url: string;
}

export async function startStepFunctions(options: {
  machines: LocalStateMachine[];
  dataDir: string;
  clock: ControlledClock;
  lambda: LambdaService;
  endpoints: { dynamodb: string; ses: string };
  /** The credentials of the DynamoDB tasks (the cloud's tables are under them). */
  aws: LocalAws;
  port: number;
  host: string;
}): Promise<StepFunctionsService> {
  const { lambda } = options;
  const runtime = await StepFunctionsRuntime.open({
    dataDir: join(options.dataDir, 'stepfunctions'),
    clock: options.clock,
    region: LOCAL_ACCOUNT.region,
    accountId: LOCAL_ACCOUNT.accountId,
    invokeLambda: (arn, payload, meta) =>
      lambda.invoke(arn, payload, meta.clientContext ? { clientContext: meta.clientContext } : {}),
    dynamodbEndpoint: options.endpoints.dynamodb,
    dynamodbCredentials: options.aws.credentials,
    sesEndpoint: options.endpoints.ses,
    log: fileLog(join(options.dataDir, 'logs', 'stepfunctions.log')),
  });
  try {
    await deployStateMachines(runtime, options.machines);
    const { url } = await runtime.listen({ port: options.port, host: options.host });
    return {
      runtime,
      url,
      // The engine stops taking work in this very call (the turn in progress commits, nothing after it); what
      // was in flight is repeated on the next start. The close is safe to call twice: stop() then does nothing.
      halt: () => runtime.close(),
      stop: () => runtime.close(),
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

function fileLog(file: string) {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const write = (level: string) => (message: string) => {
    try {
      // Appends synchronously: the runtime logs rarely, and a crash must not lose the last lines.
      appendFileSync(file, `${new Date().toISOString()} ${level} ${message}\n`, { mode: 0o600 });
    } catch {
      // Logging must never break the runtime.
    }
  };
  return { info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}
