// The per-state data flow of processing.ts in both query languages: input/output processing, Assign and
// variables, Choice, Catch, Wait, Fail, Task timeouts and Map.
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import {
  AslDefinitionError,
  type AslState,
  applyAssigned,
  childFrame,
  completeCatch,
  completeState,
  decideChoice,
  type EvalContext,
  evaluateAssign,
  failErrorAndCause,
  heartbeatSeconds,
  jsonataArguments,
  jsonataBindings,
  jsonPathEffectiveInput,
  jsonPathStateOutput,
  mapItemInput,
  mapItems,
  maxConcurrency,
  passResult,
  queryLanguageOf,
  rootFrame,
  StatesErrorNames,
  timeoutSeconds,
  visibleVariables,
  waitUntil,
} from '#local/stepfunctions/lang/index.ts';

const env = { random: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000000' };
const context = {
  Execution: { Id: 'arn:aws:states:us-east-1:1:execution:m:e', Name: 'e' },
  State: { Name: 'S' },
};

function ctx(queryLanguage: 'JSONPath' | 'JSONata', variables: Record<string, unknown> = {}): EvalContext {
  return { queryLanguage, scope: { context, variables }, env };
}

function state(fields: Record<string, unknown>): AslState {
  return { Type: 'Task', ...fields } as AslState;
}

describe('JSONPath input and output processing', () => {
  // The example of https://docs.aws.amazon.com/step-functions/latest/dg/input-output-example.html
  const docsState = state({ InputPath: '$.lambda', ResultPath: '$.data.lambdaresult', OutputPath: '$.data' });
  const docsInput = {
    comment: 'An input comment.',
    data: { val1: 23, val2: 17 },
    extra: 'foo',
    lambda: { who: 'AWS Step Functions' },
  };
  const lambda = (input: { who: string }) => `Hello, ${input.who}!`;

  it('runs the documented InputPath, ResultPath and OutputPath example', () => {
    const effective = jsonPathEffectiveInput(docsState, docsInput, ctx('JSONPath').scope, env);
    expect(effective).toEqual({ who: 'AWS Step Functions' });
    const output = jsonPathStateOutput(
      docsState,
      docsInput,
      lambda(effective as { who: string }),
      ctx('JSONPath').scope,
      env,
    );
    expect(output).toEqual({ val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' });
  });

  it('agrees with aws-local-stepfunctions on the same example', async () => {
    const machine = new StateMachine({
      StartAt: 'HelloWorld',
      States: {
        HelloWorld: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:HelloFunction',
          InputPath: '$.lambda',
          ResultPath: '$.data.lambdaresult',
          OutputPath: '$.data',
          End: true,
        },
      },
    });
    const theirs = await machine.run(docsInput, {
      overrides: { taskResourceLocalHandlers: { HelloWorld: (input) => lambda(input as { who: string }) } },
    }).result;
    const scope = ctx('JSONPath').scope;
    const effective = jsonPathEffectiveInput(docsState, docsInput, scope, env) as { who: string };
    expect(jsonPathStateOutput(docsState, docsInput, lambda(effective), scope, env)).toEqual(theirs);
  });

  it('agrees with aws-local-stepfunctions on Parameters, ResultSelector and a ResultPath merge', async () => {
    const definition = {
      Type: 'Task' as const,
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:F',
      Parameters: {
        'pilot.$': '$.pilot',
        fixed: 'x',
        'exec.$': '$$.Execution.Id',
        'n.$': 'States.ArrayLength($.tasks)',
      },
      ResultSelector: { 'status.$': '$.Payload.status', 'first.$': '$.Payload.items[0]' },
      ResultPath: '$.outcome',
    };
    const input = { pilot: '古城社区', tasks: [1, 2, 3] };
    const taskResult = (params: unknown) => ({ Payload: { status: 'OK', items: [params, 2] } });
    const theirs = await new StateMachine({ StartAt: 'T', States: { T: { ...definition, End: true } } }).run(
      input,
      {
        overrides: { taskResourceLocalHandlers: { T: (params) => taskResult(params) as never } },
        context: { Execution: { Id: context.Execution.Id } },
      },
    ).result;
    const scope = ctx('JSONPath').scope;
    const effective = jsonPathEffectiveInput(state(definition), input, scope, env);
    expect(effective).toEqual({ pilot: '古城社区', fixed: 'x', exec: context.Execution.Id, n: 3 });
    expect(jsonPathStateOutput(state(definition), input, taskResult(effective), scope, env)).toEqual(theirs);
  });

  it('gives {} for a null InputPath or OutputPath and keeps the input for a null ResultPath', () => {
    const scope = ctx('JSONPath').scope;
    expect(jsonPathEffectiveInput(state({ InputPath: null }), { a: 1 }, scope, env)).toEqual({});
    expect(jsonPathStateOutput(state({ OutputPath: null }), { a: 1 }, 'r', scope, env)).toEqual({});
    expect(jsonPathStateOutput(state({ ResultPath: null }), { a: 1 }, 'r', scope, env)).toEqual({ a: 1 });
  });

  it('fails with States.Runtime when InputPath or OutputPath names nothing, and when a Parameters path does', () => {
    const scope = ctx('JSONPath').scope;
    expect(() => jsonPathEffectiveInput(state({ InputPath: '$.missing' }), {}, scope, env)).toThrowError(
      expect.objectContaining({ error: StatesErrorNames.Runtime }),
    );
    expect(() => jsonPathStateOutput(state({ OutputPath: '$.missing' }), {}, {}, scope, env)).toThrowError(
      expect.objectContaining({ error: StatesErrorNames.Runtime }),
    );
    expect(() =>
      jsonPathEffectiveInput(state({ Parameters: { 'JobName.$': '$.JobName' } }), {}, scope, env),
    ).toThrowError(
      expect.objectContaining({
        error: StatesErrorNames.Runtime,
        cause:
          "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'",
      }),
    );
  });

  it('uses Result, else the effective input, as a Pass state result', () => {
    expect(passResult({ Type: 'Pass', Result: { x: 1 } }, { a: 1 })).toEqual({ x: 1 });
    expect(passResult({ Type: 'Pass', Result: null }, { a: 1 })).toBeNull();
    expect(passResult({ Type: 'Pass' }, { a: 1 })).toEqual({ a: 1 });
  });

  it('leaves a Map state’s Parameters to the items, applying only InputPath to its input', () => {
    const map = { Type: 'Map', InputPath: '$.batch', Parameters: { 'x.$': '$$.Map.Item.Value' } } as AslState;
    expect(jsonPathEffectiveInput(map, { batch: { items: [1] } }, ctx('JSONPath').scope, env)).toEqual({
      items: [1],
    });
  });
});

describe('Assign and variables', () => {
  it('evaluates JSONPath Assign against the result after ResultSelector, with $$ and old variables', async () => {
    const task = state({
      ResultSelector: { 'total.$': '$.Payload.total' },
      Assign: { 'total.$': '$.total', 'previous.$': '$total', 'exec.$': '$$.Execution.Name', constant: 1 },
      ResultPath: null,
    });
    const done = await completeState(
      task,
      { in: 1 },
      { Payload: { total: 9 } },
      ctx('JSONPath', { total: 4 }),
    );
    expect(done).toEqual({ output: { in: 1 }, assigned: { total: 9, previous: 4, exec: 'e', constant: 1 } });
  });

  it('makes every JSONata assignment see the variables from before the state, so two can swap', async () => {
    const pass = { Type: 'Pass', Assign: { x: '{% $y %}', y: '{% $x %}' } } as AslState;
    const done = await completeState(pass, {}, undefined, ctx('JSONata', { x: 1, y: 2 }));
    expect(done.assigned).toEqual({ x: 2, y: 1 });
  });

  it('evaluates JSONata Assign and Output against the input and the result, not the new variables', async () => {
    const task = state({
      Assign: { count: '{% $states.result.n %}', from: '{% $states.input.who %}' },
      Output: { count: '{% $count %}', result: '{% $states.result.n %}' },
    });
    const done = await completeState(task, { who: 'XX镇' }, { n: 5 }, ctx('JSONata', { count: 1 }));
    expect(done).toEqual({ assigned: { count: 5, from: 'XX镇' }, output: { count: 1, result: 5 } });
  });

  it('names the Assign field in a JSONata error', async () => {
    const pass = { Type: 'Pass', Assign: { x: '{% $states.input.absent %}' } } as AslState;
    await expect(completeState(pass, {}, undefined, ctx('JSONata'))).rejects.toMatchObject({
      error: StatesErrorNames.QueryEvaluationError,
      cause: expect.stringContaining("'Assign/x'"),
    });
  });

  it('refuses an Assign that is not an object', async () => {
    await expect(
      evaluateAssign('x', { data: {}, scope: { context } }, 'JSONPath', env),
    ).rejects.toBeInstanceOf(AslDefinitionError);
  });

  it('lets a Parallel branch read outer variables and keeps its assignments inside', async () => {
    const outer = applyAssigned(rootFrame(), { pilot: '樟树社区' });
    const branch = childFrame(outer);
    const pass = { Type: 'Pass', Assign: { seen: '{% $pilot %}' } } as AslState;
    const done = await completeState(pass, {}, undefined, ctx('JSONata', visibleVariables(branch)));
    expect(visibleVariables(applyAssigned(branch, done.assigned))).toEqual({
      pilot: '樟树社区',
      seen: '樟树社区',
    });
    expect(visibleVariables(outer)).toEqual({ pilot: '樟树社区' });
  });
});

describe('JSONata states', () => {
  it('passes Arguments, or the state input when there are none', async () => {
    const bindings = jsonataBindings({ a: 1 }, ctx('JSONata').scope);
    expect(
      await jsonataArguments(state({ Arguments: { b: '{% $states.input.a + 1 %}' } }), bindings, env),
    ).toEqual({
      b: 2,
    });
    expect(await jsonataArguments(state({}), bindings, env)).toEqual({ a: 1 });
  });

  it('outputs the result of a Task, Parallel or Map and the input of other states by default', async () => {
    for (const Type of ['Task', 'Parallel', 'Map']) {
      expect((await completeState({ Type } as AslState, 'in', 'res', ctx('JSONata'))).output).toBe('res');
    }
    for (const Type of ['Pass', 'Wait', 'Succeed']) {
      expect((await completeState({ Type } as AslState, 'in', 'res', ctx('JSONata'))).output).toBe('in');
    }
  });

  it('selects the query language per state, JSONPath by default, and forbids JSONPath in a JSONata machine', () => {
    expect(queryLanguageOf({ Type: 'Pass' }, {})).toBe('JSONPath');
    expect(queryLanguageOf({ Type: 'Pass' }, { QueryLanguage: 'JSONata' })).toBe('JSONata');
    expect(queryLanguageOf({ Type: 'Pass', QueryLanguage: 'JSONata' }, { QueryLanguage: 'JSONPath' })).toBe(
      'JSONata',
    );
    expect(() =>
      queryLanguageOf({ Type: 'Pass', QueryLanguage: 'JSONPath' }, { QueryLanguage: 'JSONata' }),
    ).toThrow(AslDefinitionError);
  });
});

describe('Catch', () => {
  const errorOutput = { Error: 'Lambda.Unknown', Cause: 'boom' };

  it('places the error output with the Catcher’s ResultPath, replacing the input by default', async () => {
    const kept = await completeCatch(
      { ErrorEquals: ['States.ALL'], Next: 'N', ResultPath: '$.error' },
      0,
      { a: 1 },
      errorOutput,
      ctx('JSONPath'),
    );
    expect(kept.output).toEqual({ a: 1, error: errorOutput });
    const replaced = await completeCatch(
      { ErrorEquals: ['States.ALL'], Next: 'N' },
      0,
      { a: 1 },
      errorOutput,
      ctx('JSONPath'),
    );
    expect(replaced.output).toEqual(errorOutput);
  });

  it('evaluates a JSONPath Catcher’s Assign against the error output', async () => {
    const caught = await completeCatch(
      { ErrorEquals: ['States.ALL'], Next: 'N', Assign: { 'why.$': '$.Cause' } },
      0,
      {},
      errorOutput,
      ctx('JSONPath'),
    );
    expect(caught.assigned).toEqual({ why: 'boom' });
  });

  it('evaluates a JSONata Catcher’s Output and Assign with $states.errorOutput, defaulting to the error output', async () => {
    const caught = await completeCatch(
      {
        ErrorEquals: ['States.ALL'],
        Next: 'N',
        Output: { input: '{% $states.input %}', error: '{% $states.errorOutput.Error %}' },
        Assign: { failed: true },
      },
      1,
      { a: 1 },
      errorOutput,
      ctx('JSONata'),
    );
    expect(caught).toEqual({
      output: { input: { a: 1 }, error: 'Lambda.Unknown' },
      assigned: { failed: true },
    });
    const plain = await completeCatch(
      { ErrorEquals: ['States.ALL'], Next: 'N' },
      0,
      {},
      errorOutput,
      ctx('JSONata'),
    );
    expect(plain.output).toEqual(errorOutput);
  });

  it('names the Catcher in a JSONata error', async () => {
    const catcher = { ErrorEquals: ['States.ALL'], Next: 'N', Output: { v: '{% $states.input.absent %}' } };
    await expect(completeCatch(catcher, 1, {}, errorOutput, ctx('JSONata'))).rejects.toMatchObject({
      cause: expect.stringContaining("'Catch[1]/Output/v'"),
    });
  });
});

describe('decideChoice', () => {
  it('chooses with JSONPath rules on the effective input and applies the rule’s Assign and OutputPath', async () => {
    const choice = {
      Type: 'Choice',
      InputPath: '$.review',
      OutputPath: '$.decision',
      Choices: [
        { Variable: '$.decision', StringEquals: 'approve', Next: 'Approved', Assign: { 'by.$': '$.by' } },
      ],
      Default: 'Returned',
    } as AslState;
    const decided = await decideChoice(
      choice,
      { review: { decision: 'approve', by: 'minzheng' } },
      ctx('JSONPath'),
    );
    expect(decided).toEqual({
      next: 'Approved',
      ruleIndex: 0,
      output: 'approve',
      assigned: { by: 'minzheng' },
    });
  });

  it('chooses with JSONata Conditions and uses the matched rule’s Output, else the state’s own', async () => {
    const choice = {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $states.input.score >= 60 %}', Next: 'Pass', Output: { grade: 'pass' } },
        { Condition: '{% $states.input.score >= 0 %}', Next: 'Fail' },
      ],
      Default: 'Invalid',
      Output: { grade: 'none' },
    } as AslState;
    expect(await decideChoice(choice, { score: 75 }, ctx('JSONata'))).toMatchObject({
      next: 'Pass',
      output: { grade: 'pass' },
    });
    expect(await decideChoice(choice, { score: 10 }, ctx('JSONata'))).toMatchObject({
      next: 'Fail',
      ruleIndex: 1,
      output: { grade: 'none' },
    });
    expect(await decideChoice(choice, { score: -1 }, ctx('JSONata'))).toMatchObject({
      next: 'Invalid',
      output: { grade: 'none' },
    });
  });

  it('fails with States.NoChoiceMatched when nothing matches and there is no Default', async () => {
    const choice = { Type: 'Choice', Choices: [{ Condition: '{% false %}', Next: 'X' }] } as AslState;
    await expect(decideChoice(choice, {}, ctx('JSONata'))).rejects.toMatchObject({
      error: StatesErrorNames.NoChoiceMatched,
    });
  });
});

describe('Wait, Fail and Task timing fields', () => {
  const now = Date.UTC(2023, 0, 1);

  it('computes the end of a wait from Seconds, SecondsPath, Timestamp and TimestampPath', async () => {
    const input = { delay: 60, until: '2023-11-01T00:00:00Z' };
    const jp = ctx('JSONPath');
    expect(await waitUntil({ Type: 'Wait', Seconds: 10 }, input, jp, now)).toBe(now + 10_000);
    expect(await waitUntil({ Type: 'Wait', SecondsPath: '$.delay' }, input, jp, now)).toBe(now + 60_000);
    expect(await waitUntil({ Type: 'Wait', Timestamp: '2023-02-01T00:00:00Z' }, input, jp, now)).toBe(
      Date.UTC(2023, 1, 1),
    );
    expect(await waitUntil({ Type: 'Wait', TimestampPath: '$.until' }, input, jp, now)).toBe(
      Date.UTC(2023, 10, 1),
    );
  });

  it('computes the end of a wait from JSONata Seconds and Timestamp', async () => {
    const input = { delay: 5, until: '2023-12-31T16:00:00Z' };
    const ja = ctx('JSONata');
    expect(await waitUntil({ Type: 'Wait', Seconds: '{% $states.input.delay * 2 %}' }, input, ja, now)).toBe(
      now + 10_000,
    );
    expect(await waitUntil({ Type: 'Wait', Timestamp: '{% $states.input.until %}' }, input, ja, now)).toBe(
      Date.UTC(2023, 11, 31, 16),
    );
  });

  it('refuses a negative or fractional number of seconds and a malformed timestamp', async () => {
    const jp = ctx('JSONPath');
    await expect(waitUntil({ Type: 'Wait', SecondsPath: '$.d' }, { d: -1 }, jp, now)).rejects.toMatchObject({
      error: StatesErrorNames.Runtime,
    });
    await expect(waitUntil({ Type: 'Wait', SecondsPath: '$.d' }, { d: 1.5 }, jp, now)).rejects.toMatchObject({
      error: StatesErrorNames.Runtime,
    });
    await expect(
      waitUntil({ Type: 'Wait', TimestampPath: '$.t' }, { t: '2023-01-01' }, jp, now),
    ).rejects.toMatchObject({
      error: StatesErrorNames.Runtime,
    });
    await expect(
      waitUntil({ Type: 'Wait', Seconds: '{% "soon" %}' }, {}, ctx('JSONata'), now),
    ).rejects.toMatchObject({ error: StatesErrorNames.QueryEvaluationError });
  });

  it('reads a Fail state’s Error and Cause from literals, paths, intrinsics and JSONata', async () => {
    expect(await failErrorAndCause({ Type: 'Fail', Error: 'E', Cause: 'C' }, {}, ctx('JSONPath'))).toEqual({
      error: 'E',
      cause: 'C',
    });
    expect(
      await failErrorAndCause(
        { Type: 'Fail', ErrorPath: '$.code', CausePath: "States.Format('pilot {} failed', $.pilot)" },
        { code: 'Pilot.Failed', pilot: '东河路社区' },
        ctx('JSONPath'),
      ),
    ).toEqual({ error: 'Pilot.Failed', cause: 'pilot 东河路社区 failed' });
    expect(
      await failErrorAndCause(
        { Type: 'Fail', Error: '{% $states.input.code %}' },
        { code: 'X' },
        ctx('JSONata'),
      ),
    ).toEqual({ error: 'X' });
    expect(await failErrorAndCause({ Type: 'Fail' }, {}, ctx('JSONPath'))).toEqual({});
  });

  it('reads TimeoutSeconds and HeartbeatSeconds and their Path forms as positive integers', async () => {
    const jp = ctx('JSONPath');
    expect(await timeoutSeconds(state({ TimeoutSeconds: 300 }), {}, jp)).toBe(300);
    expect(await timeoutSeconds(state({ TimeoutSecondsPath: '$.t' }), { t: 60 }, jp)).toBe(60);
    expect(await heartbeatSeconds(state({ HeartbeatSecondsPath: '$.h' }), { h: 30 }, jp)).toBe(30);
    expect(await heartbeatSeconds(state({ HeartbeatSeconds: '{% 10 * 6 %}' }), {}, ctx('JSONata'))).toBe(60);
    expect(await timeoutSeconds(state({}), {}, jp)).toBeUndefined();
    await expect(timeoutSeconds(state({ TimeoutSecondsPath: '$.t' }), { t: 0 }, jp)).rejects.toMatchObject({
      error: StatesErrorNames.Runtime,
    });
  });
});

describe('Map', () => {
  const assignees = { task: '验收', officials: ['minzheng@xx-county.example', 'caizheng@xx-county.example'] };

  it('takes items from ItemsPath (JSONPath) or Items (JSONata), defaulting to the input', async () => {
    expect(await mapItems({ Type: 'Map', ItemsPath: '$.officials' }, assignees, ctx('JSONPath'))).toEqual(
      assignees.officials,
    );
    expect(await mapItems({ Type: 'Map' }, [1, 2], ctx('JSONPath'))).toEqual([1, 2]);
    expect(
      await mapItems({ Type: 'Map', Items: '{% $states.input.officials %}' }, assignees, ctx('JSONata')),
    ).toEqual(assignees.officials);
    expect(await mapItems({ Type: 'Map', Items: [1, 2, 3] }, {}, ctx('JSONata'))).toEqual([1, 2, 3]);
  });

  it('refuses items that are not an array', async () => {
    await expect(
      mapItems({ Type: 'Map', ItemsPath: '$.task' }, assignees, ctx('JSONPath')),
    ).rejects.toMatchObject({
      error: StatesErrorNames.Runtime,
    });
    await expect(mapItems({ Type: 'Map', Items: '{% "x" %}' }, {}, ctx('JSONata'))).rejects.toMatchObject({
      error: StatesErrorNames.QueryEvaluationError,
    });
  });

  it('builds each iteration’s input with ItemSelector, the Map input and $$.Map.Item', async () => {
    const selector = {
      'assignee.$': '$$.Map.Item.Value',
      'index.$': '$$.Map.Item.Index',
      'task.$': '$.task',
    };
    const map = { Type: 'Map', ItemSelector: selector } as AslState;
    expect(await mapItemInput(map, 'a@x.example', 1, assignees, ctx('JSONPath'))).toEqual({
      assignee: 'a@x.example',
      index: 1,
      task: '验收',
    });
    const legacy = { Type: 'Map', Parameters: selector } as AslState;
    expect(await mapItemInput(legacy, 'b', 0, assignees, ctx('JSONPath'))).toMatchObject({
      assignee: 'b',
      index: 0,
    });
    const jsonata = {
      Type: 'Map',
      ItemSelector: { who: '{% $states.context.Map.Item.Value %}', task: '{% $states.input.task %}' },
    } as AslState;
    expect(await mapItemInput(jsonata, 'c', 2, assignees, ctx('JSONata'))).toEqual({
      who: 'c',
      task: '验收',
    });
    expect(await mapItemInput({ Type: 'Map' }, 'd', 0, assignees, ctx('JSONPath'))).toBe('d');
  });

  it('reads MaxConcurrency and MaxConcurrencyPath, 0 meaning no limit', async () => {
    expect(await maxConcurrency({ Type: 'Map' }, {}, ctx('JSONPath'))).toBe(0);
    expect(await maxConcurrency({ Type: 'Map', MaxConcurrency: 2 }, {}, ctx('JSONPath'))).toBe(2);
    expect(await maxConcurrency({ Type: 'Map', MaxConcurrencyPath: '$.m' }, { m: 5 }, ctx('JSONPath'))).toBe(
      5,
    );
    expect(await maxConcurrency({ Type: 'Map', MaxConcurrency: '{% 3 %}' }, {}, ctx('JSONata'))).toBe(3);
  });
});
