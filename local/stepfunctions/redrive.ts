// RedriveExecution's rules: whether a stopped execution can be continued (with AWS's reasons when it cannot),
// the clientTokens that make a repeated request answer as the first, and the redrive itself (engine.ts).
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html
import type { Clock } from '../clock.ts';
import { SfnApiError } from './api-errors.ts';
import type { RedrivePoint } from './model.ts';
import type { ExecutionRow, Store } from './store.ts';

/** "Restarts unsuccessful executions of Standard workflows that didn't complete successfully in the last 14 days". */
const REDRIVABLE_PERIOD_MS = 14 * 86_400_000;
/** "The API will return idempotent responses for the last 10 client tokens … valid for up to 15 minutes". */
const CLIENT_TOKENS = 10;
const CLIENT_TOKEN_MS = 15 * 60_000;

export interface RedriveOptions {
  store: Store;
  clock: Clock;
  isRunning: (arn: string) => boolean;
  redrive: (row: ExecutionRow, point: RedrivePoint) => Promise<void>;
}

export class Redrives {
  private readonly o: RedriveOptions;
  /** Per execution, the clientTokens of its last redrives (kept in memory only). */
  private readonly tokens = new Map<string, Array<{ token: string; at: number }>>();

  constructor(options: RedriveOptions) {
    this.o = options;
  }

  /**
   * DescribeExecution's redriveStatus and redriveStatusReason
   * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html#StepFunctions-DescribeExecution-response-redriveStatusReason).
   */
  status(e: ExecutionRow): { redriveStatus: string; redriveStatusReason?: string } {
    const not = (reason: string) => ({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason });
    if (e.status === 'RUNNING' || this.o.isRunning(e.arn)) {
      return not('Execution is RUNNING and cannot be redriven.');
    }
    if (e.status === 'SUCCEEDED') return not('Execution is SUCCEEDED and cannot be redriven.');
    if (e.stop !== null && this.o.clock.now() - e.stop > REDRIVABLE_PERIOD_MS) {
      return not('Execution redrivable period exceeded.');
    }
    if (!this.o.store.getStateMachine(e.smArn)) return not('State machine is in DELETING status.');
    const point = this.point(e);
    return 'reason' in point ? not(point.reason) : { redriveStatus: 'REDRIVABLE' };
  }

  /** Redrives `e`, or answers as the redrive that a clientToken used in the last 15 minutes started. */
  async redrive(e: ExecutionRow, clientToken: string | undefined): Promise<{ redriveDate: Date }> {
    const now = this.o.clock.now();
    const tokens = (this.tokens.get(e.arn) ?? []).filter((t) => now - t.at < CLIENT_TOKEN_MS);
    const earlier = clientToken && tokens.find((t) => t.token === clientToken);
    if (earlier) return { redriveDate: new Date(earlier.at) };
    const status = this.status(e);
    if (status.redriveStatus !== 'REDRIVABLE') {
      throw new SfnApiError(
        'ExecutionNotRedrivable',
        `Execution '${e.arn}' cannot be redriven: ${status.redriveStatusReason}`,
      );
    }
    await this.o.redrive(e, this.point(e) as RedrivePoint);
    if (clientToken) {
      this.tokens.set(e.arn, [...tokens, { token: clientToken, at: now }].slice(-CLIENT_TOKENS));
    }
    return { redriveDate: new Date(now) };
  }

  /** Where the engine said a redrive continues when the execution stopped, or why it cannot. */
  private point(e: ExecutionRow): RedrivePoint | { reason: string } {
    const point = this.o.store.redrivePoint(e.seq);
    if (point === undefined)
      return { reason: 'The execution stopped before the local runtime kept redrive points.' };
    return JSON.parse(point) as RedrivePoint | { reason: string };
  }
}
