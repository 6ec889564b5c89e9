// A new execution's row, as StartExecution, StartSyncExecution and a `states:startExecution` task prepare it:
// its name and input checked, its ARN (an Express execution's has an id), and StartExecution's idempotency.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { SfnApiError } from './api-errors.ts';
import type { Engine } from './engine.ts';
import { checkPayload, validName } from './requests.ts';
import type { ExecutionRow, Store } from './store.ts';
import type { Target } from './versions.ts';

export type Prepared = { row: ExecutionRow } | { existing: ExecutionRow };

export interface ExecutionFactory {
  region: string;
  accountId: string;
  clock: Clock;
  engine: Pick<Engine, 'runningRow' | 'allocateSeq'>;
  store: Pick<Store, 'getExecution'>;
}

export function prepareExecution(
  rt: ExecutionFactory,
  { machine: m, versionArn, aliasArn }: Target,
  name: string,
  input: string,
  testCase: string | null,
): Prepared {
  if (!validName(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
  checkPayload(input, 'input');
  try {
    JSON.parse(input);
  } catch {
    throw new SfnApiError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${input.slice(0, 100)}'`,
    );
  }
  // An Express execution's ARN has its own resource type and an id, so a name may be used again; the
  // operations that read an execution (DescribeExecution, GetExecutionHistory, StopExecution) refuse it.
  const arn =
    m.type === 'EXPRESS'
      ? `arn:aws:states:${rt.region}:${rt.accountId}:express:${m.name}:${name}:${randomUUID()}`
      : `arn:aws:states:${rt.region}:${rt.accountId}:execution:${m.name}:${name}`;
  const existing = rt.engine.runningRow(arn) ?? rt.store.getExecution(arn);
  if (existing) {
    // StartExecution is idempotent for a name while the execution is open (RUNNING) and the input is the same
    // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
    if (existing.input === input && existing.status === 'RUNNING') return { existing };
    throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
  }
  return {
    row: {
      seq: rt.engine.allocateSeq(),
      arn,
      smArn: m.arn,
      name,
      status: 'RUNNING',
      input,
      output: null,
      error: null,
      cause: null,
      start: rt.clock.now(),
      stop: null,
      definition: m.definition,
      roleArn: m.roleArn,
      smUpdated: m.updated,
      testCase,
      state: null,
      nextEvent: 1,
      redriveCount: 0,
      redriveDate: null,
      versionArn: versionArn ?? null,
      aliasArn: aliasArn ?? null,
    },
  };
}
