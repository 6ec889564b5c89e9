// The engine's data: a compiled definition, and the position of a running execution (its threads, their timers,
// tasks and fan-outs) exactly as it is stored, as JSON, in the execution's position record.

import type { RetryCounters } from './lang/index.ts';
import type { Pattern } from './resources.ts';
import type { ExecutionRow } from './store.ts';
import type { Failure, Json } from './types.ts';

export type State = Record<string, unknown> & { Type: string };
export interface Block {
  StartAt: string;
  States: Record<string, State>;
  QueryLanguage?: string;
}

/** A parsed definition with every nested block (Parallel branch, Map processor) addressable by key. */
export interface Compiled {
  def: Record<string, unknown>;
  blocks: Map<string, Block>;
}

const compiledCache = new Map<string, Compiled>();

/** Compiled definitions are read-only, so executions of one definition share one. */
export function compile(definition: string): Compiled {
  let compiled = compiledCache.get(definition);
  if (!compiled) {
    compiled = compileOnce(definition);
    if (compiledCache.size >= 200) compiledCache.delete(compiledCache.keys().next().value as string);
    compiledCache.set(definition, compiled);
  }
  return compiled;
}

function compileOnce(definition: string): Compiled {
  const def = JSON.parse(definition) as Record<string, unknown>;
  const blocks = new Map<string, Block>();
  const walk = (key: string, block: Block) => {
    blocks.set(key, block);
    for (const [name, state] of Object.entries(block.States)) {
      if (state.Type === 'Parallel') {
        (state.Branches as Block[]).forEach((b, i) => {
          walk(`${key}/${name}#${i}`, b);
        });
      } else if (state.Type === 'Map') {
        walk(`${key}/${name}`, (state.ItemProcessor ?? state.Iterator) as Block);
      }
    }
  };
  walk('', def as unknown as Block);
  return { def, blocks };
}

export type TimerKind = 'wait' | 'retry' | 'timeout' | 'heartbeat';

export interface TaskRun {
  effect: number;
  service: string;
  resource: string;
  action: string;
  pattern: Pattern;
  lambdaArn: boolean;
  parameters: Json;
  token?: string;
  /** The call returned (for .waitForTaskToken and .sync: the job was submitted). */
  submitted?: boolean;
  /** Nested execution started by states:startExecution. */
  child?: string;
  childName?: string;
  mocked?: { output?: Json; failure?: Failure };
  /** The activity a worker takes this task from (GetActivityTask); `submitted` once one has. */
  activityArn?: string;
  /** HeartbeatSeconds as evaluated when the task started (a heartbeat re-arms this much). */
  heartbeat?: number;
}

export interface Fanout {
  kind: 'parallel' | 'map';
  results: Json[];
  total: number;
  started: number;
  finished: number;
  children: number[];
  items?: Json[];
  effective?: Json;
  maxConcurrency: number;
  /** A Map's failure threshold (absent: the first failed iteration fails the Map). */
  tolerated?: { count?: number; percentage?: number };
  /** Iterations that failed within the threshold. */
  failed?: number;
  /** A Distributed Map's map run (its items run here as iterations of the Map, not as child executions). */
  mapRun?: { arn: string; start: number };
}

export interface Thread {
  id: number;
  parent?: { thread: number; index: number };
  block: string;
  state: string;
  phase: 'enter' | 'task' | 'wait' | 'retry' | 'fanout';
  input: Json;
  entered: number;
  /** Retry counters of the current run of the state (lang/ nextRetry keeps them per Retrier and error). */
  retries: RetryCounters;
  retryCount: number;
  variables: Record<string, Json>;
  timers: Partial<Record<TimerKind, number>>;
  task?: TaskRun;
  fanout?: Fanout;
  last: number;
}

export interface ExecState {
  threads: Record<number, Thread>;
  nextThread: number;
  timeoutAt?: number;
  /** Set on a nested execution started by a `.sync` task: who to tell when it stops. */
  parent?: { arn: string; thread: number; effect: number };
  mockCalls?: Record<string, number>;
}

export interface Execution {
  row: ExecutionRow;
  compiled: Compiled;
  st: ExecState;
  parsedInput: Json;
  /** $$.Execution of the context object, built once. */
  executionContext?: Record<string, unknown>;
  isNew: boolean;
  /** Made RUNNING again by RedriveExecution in this turn: its stored status is changed with the turn. */
  reopened?: boolean;
  done: boolean;
  cancels: Map<string, () => void>;
}

/** Where a redrive of a stopped execution continues: its top-level state, entered again as it was. */
export interface RedrivePoint {
  state: string;
  input: Json;
  variables: Record<string, Json>;
}

/** The state a thread is in. */
export function stateOf(exec: Execution, t: Thread): State {
  return exec.compiled.blocks.get(t.block)!.States[t.state]!;
}

/** A new thread at the start of `block` (the definition's top level, a Parallel branch, a Map iteration). */
export function newThread(
  exec: Execution,
  block: string,
  input: Json,
  parent: Thread['parent'],
  variables: Record<string, Json>,
  now: number,
): Thread {
  const b = exec.compiled.blocks.get(block)!;
  const t: Thread = {
    id: exec.st.nextThread++,
    parent,
    block,
    state: b.StartAt,
    phase: 'enter',
    input,
    entered: now,
    retries: [],
    retryCount: 0,
    variables,
    timers: {},
    last: 0,
  };
  exec.st.threads[t.id] = t;
  return t;
}
