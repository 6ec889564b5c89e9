// Runs a definition through aws-local-stepfunctions, an independent interpreter, as a second opinion on the
// output our runtime produces (only for features it supports: no task tokens, no nested executions).
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

export async function secondOpinion(
  definition: object,
  input: unknown,
  handlers: Record<string, (input: unknown) => unknown> = {},
): Promise<{ output?: unknown; error?: string }> {
  const machine = new StateMachine(definition as StateMachineDefinition, {
    validationOptions: { checkArn: false, checkPaths: false },
  });
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  collect(definition as { States: Record<string, Record<string, unknown>> }, waits, retries);
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      waitTimeOverrides: waits,
      retryIntervalOverrides: retries,
    },
  });
  try {
    return { output: await execution.result };
  } catch (error) {
    const e = error as { cause?: { name?: string }; message?: string; name?: string };
    return { error: e.cause?.name ?? e.name ?? e.message };
  }
}

/** Every Wait and retry interval becomes 0: the second opinion is about data, not time. */
function collect(
  block: { States: Record<string, Record<string, unknown>> },
  waits: Record<string, number>,
  retries: Record<string, number>,
): void {
  for (const [name, state] of Object.entries(block.States)) {
    if (state.Type === 'Wait') waits[name] = 0;
    if (state.Retry) retries[name] = 0;
    for (const b of (state.Branches as (typeof block)[] | undefined) ?? []) collect(b, waits, retries);
    const inner = (state.ItemProcessor ?? state.Iterator) as typeof block | undefined;
    if (inner) collect(inner, waits, retries);
  }
}
