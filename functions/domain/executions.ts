// What the dashboard and the administrators' actions read of Step Functions: the port (SfnApi, implemented
// over the SDK by functions/adapters/sfn-api.ts), its shapes, and which of PilotFlow's machines an ARN is.

import type { StageName } from '#plan/kinds.ts';
import type { Store } from '#store/store.ts';
import type { EvidenceStore } from './evidence.ts';

/** A history event as the SDK returns it (timestamps as Date) or as JSON carries it (ISO strings). */
export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  timestamp: Date | string;
  type: string;
  [details: string]: unknown;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate?: string;
  stopDate?: string;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** The Step Functions operations the dashboard uses (functions/adapters/sfn-api.ts over the SDK). */
export interface SfnApi {
  /** Undefined when the execution does not exist (yet). */
  describeExecution(executionArn: string): Promise<ExecutionDescription | undefined>;
  definitionForExecution(executionArn: string): Promise<string>;
  definitionOfMachine(stateMachineArn: string): Promise<string | undefined>;
  /** Every event, oldest first. */
  history(executionArn: string): Promise<HistoryEvent[]>;
  stopExecution(executionArn: string, error: string, cause: string): Promise<void>;
}

export type MachineName = 'programme' | 'pilot' | StageName;

export interface DashboardDeps {
  store: Store;
  sfn: SfnApi;
  now: () => Date;
  /** The state machines' ARNs (absent ones are simply not drawn). */
  machines: Partial<Record<MachineName, string>>;
  /** The evidence bucket: a task page lists its files with short-lived download links. */
  evidence?: EvidenceStore | undefined;
}

/** Which of PilotFlow's machines an ARN belongs to. */
export function machineOf(
  deps: Pick<DashboardDeps, 'machines'>,
  stateMachineArn: string,
): MachineName | undefined {
  return (Object.entries(deps.machines) as Array<[MachineName, string]>).find(
    ([, arn]) => arn === stateMachineArn,
  )?.[0];
}

/** `PilotFlow-Launch` → `Launch`. */
export function machineShortName(stateMachineArn: string): string {
  const name = stateMachineArn.split(':').pop() ?? stateMachineArn;
  return name.includes('-') ? name.slice(name.lastIndexOf('-') + 1) : name;
}
