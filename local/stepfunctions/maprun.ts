// Distributed Map runs: DescribeMapRun, ListMapRuns and UpdateMapRun
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html). The items of a
// Distributed Map run here as iterations of the Map in its own execution, not as child executions, so a map
// run's executionCounts are its itemCounts (one would-be child execution per item). Its record is written
// with the engine's turns (states/map.ts) and kept after the execution ends.
import * as z from 'zod';
import { SfnApiError } from './api-errors.ts';
import { decodeToken, encodeToken, parse } from './requests.ts';
import type { MapRunRow, Store } from './store.ts';

const arn = z.string().min(1).max(2048);
export const MapRunRequests = {
  describe: z.object({ mapRunArn: arn }),
  list: z.object({
    executionArn: arn,
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().min(1).max(3096).optional(),
  }),
  update: z.object({
    mapRunArn: arn,
    maxConcurrency: z.number().int().min(0).optional(),
    toleratedFailurePercentage: z.number().min(0).max(100).optional(),
    toleratedFailureCount: z.number().int().min(0).optional(),
  }),
};

export interface MapRunsOptions {
  store: Store;
  isRunning(executionArn: string): boolean;
  /** Applies UpdateMapRun's changes in the execution's next turn; false when the map run is not running. */
  update(row: MapRunRow, changes: Omit<z.infer<typeof MapRunRequests.update>, 'mapRunArn'>): Promise<boolean>;
}

export class MapRuns {
  private readonly o: MapRunsOptions;

  constructor(options: MapRunsOptions) {
    this.o = options;
  }

  describe(input: unknown) {
    const r = this.current(this.row(parse(MapRunRequests.describe, input).mapRunArn));
    const counts = {
      ...r.items,
      timedOut: 0,
      resultsWritten: 0,
      failuresNotRedrivable: 0,
      pendingRedrive: 0,
    };
    return {
      mapRunArn: r.arn,
      executionArn: r.executionArn,
      status: r.status,
      startDate: new Date(r.start),
      ...(r.stop !== null ? { stopDate: new Date(r.stop) } : {}),
      maxConcurrency: r.maxConcurrency,
      toleratedFailurePercentage: r.toleratedFailurePercentage,
      toleratedFailureCount: r.toleratedFailureCount,
      itemCounts: counts,
      executionCounts: counts,
      redriveCount: 0,
    };
  }

  list(input: unknown) {
    const req = parse(MapRunRequests.list, input);
    const execution = this.o.store.getExecution(req.executionArn);
    if (!execution) {
      throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${req.executionArn}'`);
    }
    const limit = req.maxResults || 100;
    const after = decodeToken(
      req.nextToken,
      (v): v is { arn: string } => typeof (v as { arn?: unknown })?.arn === 'string',
    );
    const rows = this.o.store.mapRuns(req.executionArn, after?.arn ?? '', limit + 1);
    const page = rows.slice(0, limit).map((r) => this.current(r));
    return {
      mapRuns: page.map((r) => ({
        executionArn: r.executionArn,
        mapRunArn: r.arn,
        stateMachineArn: r.stateMachineArn,
        startDate: new Date(r.start),
        ...(r.stop !== null ? { stopDate: new Date(r.stop) } : {}),
      })),
      ...(rows.length > limit ? { nextToken: encodeToken({ arn: page.at(-1)!.arn }) } : {}),
    };
  }

  async update(input: unknown): Promise<Record<string, never>> {
    const { mapRunArn, ...changes } = parse(MapRunRequests.update, input);
    if (Object.keys(changes).length === 0) {
      throw new SfnApiError(
        'ValidationException',
        'UpdateMapRun needs maxConcurrency, toleratedFailurePercentage or toleratedFailureCount',
      );
    }
    const row = this.current(this.row(mapRunArn));
    if (row.status !== 'RUNNING' || !(await this.o.update(row, changes))) {
      throw new SfnApiError('ValidationException', `Map run '${mapRunArn}' is not running (${row.status})`);
    }
    return {};
  }

  private row(mapRunArn: string): MapRunRow {
    const parts = mapRunArn.split(':');
    if (parts.length !== 8 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'mapRun') {
      throw new SfnApiError('InvalidArn', `Invalid Arn: '${mapRunArn}'`);
    }
    const row = this.o.store.mapRun(mapRunArn);
    if (!row) throw new SfnApiError('ResourceNotFound', `Map run does not exist: '${mapRunArn}'`);
    return row;
  }

  /** A map run still RUNNING in the record whose execution has stopped was aborted with it. */
  private current(row: MapRunRow): MapRunRow {
    if (row.status !== 'RUNNING' || this.o.isRunning(row.executionArn)) return row;
    const stop = this.o.store.getExecution(row.executionArn)?.stop ?? row.start;
    const { pending, running, ...items } = row.items;
    return {
      ...row,
      status: 'ABORTED',
      stop,
      items: { ...items, pending: 0, running: 0, aborted: row.items.aborted + pending + running },
    };
  }
}
