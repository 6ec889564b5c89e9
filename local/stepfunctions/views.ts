// What the API shows of the stored record: an execution as DescribeExecution, ListExecutions and
// StartSyncExecution give it, and a history event as GetExecutionHistory does (dates as Date; http.ts turns them
// into epoch seconds).
import { SfnApiError } from './api-errors.ts';
import type { EventRow, ExecutionRow } from './store.ts';
import type { ExecutionStatus } from './types.ts';

/** The operations that Standard and Express workflows do not share. */
export function typeNotSupported(): SfnApiError {
  return new SfnApiError(
    'StateMachineTypeNotSupported',
    'This operation is not supported by this type of state machine',
  );
}

const origin = (e: ExecutionRow) => ({
  ...(e.versionArn ? { stateMachineVersionArn: e.versionArn } : {}),
  ...(e.aliasArn ? { stateMachineAliasArn: e.aliasArn } : {}),
});

const redrives = (e: ExecutionRow) => ({
  redriveCount: e.redriveCount,
  ...(e.redriveDate !== null ? { redriveDate: new Date(e.redriveDate) } : {}),
});

/** What DescribeExecution and ListExecutions both say of an execution. */
const summaryOf = (e: ExecutionRow) => ({
  executionArn: e.arn,
  stateMachineArn: e.smArn,
  name: e.name,
  status: e.status as ExecutionStatus,
  startDate: new Date(e.start),
  ...(e.stop !== null ? { stopDate: new Date(e.stop) } : {}),
});

/** DescribeExecution, but for redriveStatus (redrive.ts). */
export function executionDescription(e: ExecutionRow) {
  return {
    ...summaryOf(e),
    input: e.input,
    inputDetails: { included: true },
    ...(e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== null ? { error: e.error } : {}),
    ...(e.cause !== null ? { cause: e.cause } : {}),
    ...origin(e),
    ...redrives(e),
  };
}

/** An item of ListExecutions. */
export function executionListItem(e: ExecutionRow) {
  return { ...summaryOf(e), ...redrives(e), ...origin(e) };
}

/** StartSyncExecution's answer: the ended Express execution, without input and output for METADATA_ONLY. */
export function syncResult(
  e: ExecutionRow,
  includedData: string | undefined,
  traceHeader: string | undefined,
) {
  const data = includedData !== 'METADATA_ONLY';
  return {
    executionArn: e.arn,
    stateMachineArn: e.smArn,
    name: e.name,
    startDate: new Date(e.start),
    stopDate: new Date(e.stop ?? e.start),
    status: e.status,
    ...(e.error !== null ? { error: e.error } : {}),
    ...(e.cause !== null ? { cause: e.cause } : {}),
    ...(data ? { input: e.input, inputDetails: { included: true } } : {}),
    ...(data && e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(traceHeader !== undefined ? { traceHeader } : {}),
  };
}

/** A history event; without execution data, its inputs, outputs and parameters are left out. */
export function historyEvent(r: EventRow, withData: boolean) {
  const details = r.details ? (JSON.parse(r.details) as Record<string, Record<string, unknown>>) : {};
  if (!withData) {
    for (const d of Object.values(details)) {
      for (const k of ['input', 'output', 'parameters', 'inputDetails', 'outputDetails']) delete d[k];
    }
  }
  return { timestamp: new Date(r.ts), type: r.type, id: r.id, previousEventId: r.prev, ...details };
}
