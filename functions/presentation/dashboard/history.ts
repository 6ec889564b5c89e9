// An execution's history (GetExecutionHistory's events, in the AWS event shapes) read two ways: what happened
// to each state (done, current, failed, not reached: the graph's colours), and the events in the programme's
// words for the execution page (state entered and left, task scheduled and its decision, waits with their
// target time, failures with their cause, nested executions linked). Pure.
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
import type { HistoryEvent } from '#domain/executions.ts';
import { type LocalText, lt } from '../i18n.ts';

export type { HistoryEvent };

import type { AslState } from './graph.ts';
import { OUTCOME_LABELS, type StateStatus, stateLabel } from './words.ts';

const iso = (t: Date | string) => (typeof t === 'string' ? new Date(t).toISOString() : t.toISOString());

/** The one details object of an event (`stateEnteredEventDetails`, `taskFailedEventDetails`, …). */
function detailsOf(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      return value as Record<string, unknown>;
    }
  }
  return {};
}

const FAILURE_TYPES = /(Failed|TimedOut|StartFailed|SubmitFailed|Aborted)$/;

export interface StateTrace {
  status: StateStatus;
  entered: number;
  exited: number;
  failed: number;
  firstEnteredAt?: string;
  lastEnteredAt?: string;
  lastExitedAt?: string;
}

/**
 * What happened to each state entered in the execution. A state is current while some visit of it (a Map's
 * iterations visit inner states many times) has neither left nor failed; in an execution that ended, such a
 * visit was cut short, so it counts as failed. A Fail state entered is failed; a state whose last visit
 * ended in an error (caught or not) is failed; one that was left is done. States not in the map were not reached.
 */
export function traceStates(events: HistoryEvent[], executionStatus: string): Map<string, StateTrace> {
  const byId = new Map(events.map((e) => [e.id, e]));
  const traces = new Map<string, StateTrace & { lastOutcome?: 'exit' | 'fail' }>();
  const trace = (name: string) => {
    let t = traces.get(name);
    if (!t) {
      t = { status: 'not-reached', entered: 0, exited: 0, failed: 0 };
      traces.set(name, t);
    }
    return t;
  };
  /** The state an event belongs to: the nearest StateEntered up its chain of previous events. */
  const stateOf = (event: HistoryEvent): string | undefined => {
    let current: HistoryEvent | undefined = event;
    for (let hops = 0; current && hops < 10_000; hops++) {
      if (current.type.endsWith('StateEntered')) return detailsOf(current).name as string | undefined;
      if (current.type.endsWith('StateExited')) return undefined;
      current = current.previousEventId === undefined ? undefined : byId.get(current.previousEventId);
    }
    return undefined;
  };
  for (const event of events) {
    const at = iso(event.timestamp);
    if (event.type.endsWith('StateEntered')) {
      const name = detailsOf(event).name as string;
      const t = trace(name);
      t.entered++;
      t.firstEnteredAt ??= at;
      t.lastEnteredAt = at;
      if (event.type === 'FailStateEntered') {
        t.failed++;
        t.lastOutcome = 'fail';
      }
    } else if (event.type.endsWith('StateExited')) {
      const t = trace(detailsOf(event).name as string);
      t.exited++;
      t.lastExitedAt = at;
      // Leaving right after a failure is a Catch at work (the local runtime records the exit, AWS does not).
      if (t.lastOutcome !== 'fail') t.lastOutcome = 'exit';
    } else if (event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled') {
      // Another attempt after a failure (Retry): the visit is open again.
      const name = stateOf(event);
      if (name) trace(name).lastOutcome = undefined;
    } else if (/^(Task|LambdaFunction|MapState|ParallelState)Succeeded$/.test(event.type)) {
      const name = stateOf(event);
      if (name) trace(name).lastOutcome = 'exit';
    } else if (FAILURE_TYPES.test(event.type) && !event.type.startsWith('Execution')) {
      if (event.type === 'MapIterationFailed') continue;
      const name = stateOf(event);
      if (!name) continue;
      const t = trace(name);
      t.failed++;
      t.lastOutcome = 'fail';
    }
  }
  const running = executionStatus === 'RUNNING';
  const out = new Map<string, StateTrace>();
  for (const [name, t] of traces) {
    // Retried failures do not close a visit; a visit is open while entries outnumber exits, unless the last
    // thing that happened to the state was a failure that moved the execution elsewhere (a Catch, or the end).
    const open = t.entered - t.exited > 0 && t.lastOutcome !== 'fail';
    let status: StateStatus;
    if (open) status = running ? 'current' : 'failed';
    else if (t.lastOutcome === 'fail') status = 'failed';
    else if (t.exited > 0) status = 'done';
    else status = 'not-reached';
    const { lastOutcome: _last, ...rest } = t;
    out.set(name, { ...rest, status });
  }
  return out;
}

/** Replaces task tokens in JSON text: they never leave the back end, not even to administrators' pages. */
export function redactTokens(json: string): string {
  return json.replace(/("(?:taskToken|TaskToken|token)"\s*:\s*)"[^"]*"/g, '$1"…"');
}

const MAX_SHOWN = 16 * 1024;

/** JSON text pretty-printed for a `<pre>`, redacted, and cut at 16 KB. */
export function prettyJson(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let pretty: string;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    pretty = text;
  }
  pretty = redactTokens(pretty);
  return pretty.length > MAX_SHOWN
    ? `${pretty.slice(0, MAX_SHOWN)}\n… (${pretty.length} characters)`
    : pretty;
}

export type EntryTone = 'info' | 'ok' | 'warn' | 'stop';

export interface HistoryEntry {
  id: number;
  at: string;
  type: string;
  tone: EntryTone;
  /** What happened, in both languages. */
  title: LocalText;
  /** The state it happened in. */
  state?: string;
  /** More: the decision and comment, the wait's target time. */
  detail?: LocalText;
  /** Technical detail in no one's language (an error and its cause, a function's name): behind a toggle. */
  raw?: string;
  /** A nested execution it started (execution page link). */
  executionArn?: string;
  /** Pretty JSON, collapsed on the page. */
  input?: string;
  output?: string;
}

/** `$states.context.Execution.Input.a.b[0][$v]` in a JSONata field, resolved against the execution input. */
function resolveTimestamp(
  expression: string | undefined,
  executionInput: unknown,
  variables: Record<string, unknown>,
): string | undefined {
  if (!expression) return undefined;
  const inner = /^\{%\s*(.+?)\s*%\}$/.exec(expression)?.[1];
  if (!inner) return /^\d{4}-/.test(expression) ? expression : undefined;
  const path = /^\$states\.context\.Execution\.Input((?:\.[A-Za-z_][\w]*|\[(?:\d+|\$[A-Za-z_]\w*)\])*)$/.exec(
    inner,
  )?.[1];
  if (path === undefined) return undefined;
  let value: unknown = executionInput;
  for (const [, key, index] of path.matchAll(/\.([A-Za-z_]\w*)|\[([^\]]+)\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    if (key !== undefined) value = (value as Record<string, unknown>)[key];
    else {
      const i = index?.startsWith('$') ? Number(variables[index.slice(1)]) : Number(index);
      value = Array.isArray(value) ? value[i] : undefined;
    }
  }
  return typeof value === 'string' ? value : undefined;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The human task's decision in a TaskSucceeded output: `同意 — 王芳：comment`. */
function decisionText(output: unknown): LocalText | undefined {
  if (!output || typeof output !== 'object') return undefined;
  const d = output as { outcome?: string; comment?: string; decidedBy?: { name?: string; email?: string } };
  if (!d.outcome) return undefined;
  const label = OUTCOME_LABELS[d.outcome] ?? lt(d.outcome, d.outcome);
  const by = d.decidedBy?.name ?? d.decidedBy?.email ?? '';
  const comment = d.comment ? `：${d.comment}` : '';
  const commentEn = d.comment ? `: ${d.comment}` : '';
  return lt(
    `${label.zh}${by ? ` — ${by}` : ''}${comment}`,
    `${label.en}${by ? ` by ${by}` : ''}${commentEn}`,
  );
}

/** The function a Lambda ARN names, without the stack's prefix and CDK's hash: `OpenTask`. */
export function functionShortName(arn: string): string {
  const name = arn.split(':').pop() ?? arn;
  return name.replace(/^[A-Za-z0-9]+-/, '').replace(/[A-F0-9]{8,}$/, '') || name;
}

/**
 * The history in the programme's words. `states` is the definition's states by name (for Wait targets);
 * `executionInput` resolves Wait timestamps that read the schedule from the input.
 */
export function readableHistory(
  events: HistoryEvent[],
  states: Map<string, AslState>,
  executionInput: unknown,
): HistoryEntry[] {
  const variables: Record<string, unknown> = {};
  const byId = new Map(events.map((e) => [e.id, e]));
  const entered = (event: HistoryEvent): string | undefined => {
    let current: HistoryEvent | undefined = event;
    for (let hops = 0; current && hops < 10_000; hops++) {
      if (current.type.endsWith('StateEntered')) return detailsOf(current).name as string;
      current = current.previousEventId === undefined ? undefined : byId.get(current.previousEventId);
    }
    return undefined;
  };
  const entries: HistoryEntry[] = [];
  for (const event of events) {
    const d = detailsOf(event);
    const at = iso(event.timestamp);
    const base = { id: event.id, at, type: event.type };
    const cause = () => {
      const error = typeof d.error === 'string' ? d.error : '';
      const text = typeof d.cause === 'string' ? d.cause.slice(0, 2000) : '';
      const raw = [error, text].filter(Boolean).join(': ');
      return raw ? { raw } : {};
    };
    const t = event.type;
    if (t === 'ExecutionStarted') {
      entries.push({
        ...base,
        tone: 'info',
        title: lt('执行开始', 'Execution started'),
        ...withJson('input', d.input),
      });
    } else if (t === 'ExecutionSucceeded') {
      entries.push({
        ...base,
        tone: 'ok',
        title: lt('执行成功', 'Execution succeeded'),
        ...withJson('output', d.output),
      });
    } else if (t === 'ExecutionFailed') {
      entries.push({ ...base, tone: 'stop', title: lt('执行失败', 'Execution failed'), ...cause() });
    } else if (t === 'ExecutionAborted') {
      entries.push({ ...base, tone: 'stop', title: lt('执行已停止', 'Execution stopped'), ...cause() });
    } else if (t === 'ExecutionTimedOut') {
      entries.push({ ...base, tone: 'stop', title: lt('执行超时', 'Execution timed out'), ...cause() });
    } else if (t.endsWith('StateEntered')) {
      const name = d.name as string;
      const label = stateLabel(name);
      const state = states.get(name);
      let detail: LocalText | undefined;
      if (state?.Type === 'Wait') {
        const target =
          resolveTimestamp(state.Timestamp, executionInput, variables) ??
          (typeof state.Seconds === 'number'
            ? new Date(new Date(at).getTime() + state.Seconds * 1000).toISOString()
            : undefined);
        if (target) detail = lt(`等待至 ${target}`, `Waits until ${target}`);
      }
      entries.push({
        ...base,
        tone: t === 'FailStateEntered' ? 'stop' : 'info',
        title: lt(`进入：${label.zh}`, `Entered: ${label.en}`),
        state: name,
        ...(detail ? { detail } : {}),
        ...withJson('input', d.input),
      });
    } else if (t.endsWith('StateExited')) {
      const name = d.name as string;
      const label = stateLabel(name);
      const assigned = (d.assignedVariables ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(assigned)) variables[k] = parseJson(v);
      entries.push({
        ...base,
        tone: 'ok',
        title: lt(`完成：${label.zh}`, `Left: ${label.en}`),
        state: name,
        ...withJson('output', d.output),
      });
    } else if (t === 'TaskScheduled' || t === 'LambdaFunctionScheduled') {
      const resource = String(d.resource ?? '');
      const name = entered(event);
      const human = resource.endsWith('.waitForTaskToken');
      const nested = String(d.resourceType) === 'states' && resource.startsWith('startExecution');
      const fn = t === 'LambdaFunctionScheduled' ? functionShortName(resource) : functionNameIn(d.parameters);
      const title = human
        ? lt('发出人工任务，等待办理', 'Human task sent; waiting for the decision')
        : nested
          ? lt('启动子流程', 'Started a nested execution')
          : fn
            ? lt('调用函数', `Called the function ${fn}`)
            : lt('调用服务', `Called ${d.resourceType}:${resource}`);
      entries.push({
        ...base,
        tone: 'info',
        title,
        ...(human || nested ? {} : { raw: fn ?? `${d.resourceType}:${resource}` }),
        ...(name ? { state: name } : {}),
        ...withJson('input', d.parameters ?? d.input),
      });
    } else if (t === 'TaskSubmitted') {
      const output = parseJson(d.output) as { ExecutionArn?: string } | undefined;
      if (output?.ExecutionArn) {
        entries.push({
          ...base,
          tone: 'info',
          title: lt('子流程运行中', 'Nested execution running'),
          executionArn: output.ExecutionArn,
          ...withJson('output', d.output),
        });
      }
    } else if (t === 'TaskSucceeded' || t === 'LambdaFunctionSucceeded') {
      const output = parseJson(d.output);
      const decision = decisionText(output);
      const name = entered(event);
      const child = (output as { ExecutionArn?: string } | undefined)?.ExecutionArn;
      entries.push({
        ...base,
        tone: 'ok',
        title: decision ? lt('已办理', 'Decided') : lt('任务完成', 'Task succeeded'),
        ...(name ? { state: name } : {}),
        ...(decision ? { detail: decision } : {}),
        ...(child ? { executionArn: child } : {}),
        ...withJson('output', d.output),
      });
    } else if (FAILURE_TYPES.test(t) && t !== 'MapIterationFailed') {
      const name = entered(event);
      const timedOut = t.endsWith('TimedOut');
      entries.push({
        ...base,
        tone: 'stop',
        title: timedOut ? lt('超时', 'Timed out') : lt('失败', 'Failed'),
        ...(name ? { state: name } : {}),
        ...cause(),
      });
    } else if (t === 'MapStateStarted') {
      const n = Number(d.length ?? 0);
      entries.push({ ...base, tone: 'info', title: lt(`逐项处理 ${n} 项`, `Processing ${n} items`) });
    } else if (t === 'MapIterationStarted' || t === 'MapIterationSucceeded' || t === 'MapIterationFailed') {
      const index = Number(d.index ?? 0) + 1;
      const what =
        t === 'MapIterationStarted'
          ? lt(`第 ${index} 项开始`, `Item ${index} started`)
          : t === 'MapIterationSucceeded'
            ? lt(`第 ${index} 项完成`, `Item ${index} done`)
            : lt(`第 ${index} 项失败`, `Item ${index} failed`);
      entries.push({ ...base, tone: t === 'MapIterationFailed' ? 'stop' : 'info', title: what });
    }
    // TaskStarted, LambdaFunctionStarted, MapStateSucceeded, ParallelState* repeat what the entries above say.
  }
  return entries;
}

function functionNameIn(parameters: unknown): string | undefined {
  const p = parseJson(parameters) as { FunctionName?: string } | undefined;
  return typeof p?.FunctionName === 'string' ? functionShortName(p.FunctionName) : undefined;
}

function withJson(key: 'input' | 'output', text: unknown): { input?: string; output?: string } {
  const pretty = prettyJson(typeof text === 'string' ? text : undefined);
  return pretty === undefined ? {} : { [key]: pretty };
}
