// The scope a state's expressions read: the context object ($$: the execution's part built once, the state's
// part per entry, the task token for `.waitForTaskToken`), the thread's variables and the query language.
import { queryLanguageOf } from './lang/index.ts';
import { type Execution, stateOf, type Thread } from './model.ts';
import type { Env, Scope } from './processing.ts';

export function scopeOf(exec: Execution, t: Thread, env: Env, extra?: { token?: string }): Scope {
  exec.executionContext ??= {
    Execution: {
      Id: exec.row.arn,
      Input: exec.parsedInput,
      Name: exec.row.name,
      RoleArn: exec.row.roleArn,
      StartTime: new Date(exec.row.start).toISOString(),
      RedriveCount: exec.row.redriveCount,
      ...(exec.row.redriveDate !== null ? { RedriveTime: new Date(exec.row.redriveDate).toISOString() } : {}),
    },
    StateMachine: { Id: exec.row.smArn, Name: exec.row.smArn.split(':').pop() },
  };
  const ctx: Record<string, unknown> = {
    ...exec.executionContext,
    State: { EnteredTime: new Date(t.entered).toISOString(), Name: t.state, RetryCount: t.retryCount },
  };
  if (extra?.token) ctx.Task = { Token: extra.token };
  return {
    context: ctx,
    variables: t.variables,
    language: queryLanguageOf(stateOf(exec, t), exec.compiled.def),
    env,
  };
}
