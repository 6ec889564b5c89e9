// Step Functions Local's mocked service integrations file
// (https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html): per state machine,
// test cases map state names to mocked responses; a response lists, per call ("0", "1-2"…), a Return value
// or a Throw { Error, Cause }. An execution uses a test case when started on `<stateMachineArn>#<TestCase>`.
import * as z from 'zod';
import type { Failure, Json } from './types.ts';

const Attempt = z.union([
  z.object({ Return: z.unknown() }).strict(),
  z.object({ Throw: z.object({ Error: z.string(), Cause: z.string().optional() }) }).strict(),
]);

const MockConfigSchema = z.object({
  StateMachines: z.record(
    z.string(),
    z.object({ TestCases: z.record(z.string(), z.record(z.string(), z.string())) }),
  ),
  MockedResponses: z.record(z.string(), z.record(z.string().regex(/^\d+(-\d+)?$/), Attempt)),
});

export type MockConfig = z.infer<typeof MockConfigSchema>;

export class MockConfigError extends Error {
  override name = 'MockConfigError';
}

export function parseMockConfig(value: unknown): MockConfig {
  const r = MockConfigSchema.safeParse(value);
  if (!r.success) {
    throw new MockConfigError(
      `Invalid mock configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  for (const [machine, { TestCases }] of Object.entries(r.data.StateMachines)) {
    for (const [testCase, states] of Object.entries(TestCases)) {
      for (const [state, response] of Object.entries(states)) {
        if (!r.data.MockedResponses[response]) {
          throw new MockConfigError(
            `Invalid mock configuration: ${machine}.${testCase}.${state} names the mocked response '${response}', which MockedResponses does not define`,
          );
        }
      }
    }
  }
  return r.data;
}

/** The engine's hook: the mocked response of the `call`-th call (from 0) of a state, or undefined if not mocked. */
export function mockResponder(config: MockConfig) {
  return (stateMachineArn: string, testCase: string, stateName: string, call: number) => {
    const machine = stateMachineArn.split(':').pop() ?? '';
    const responseName = config.StateMachines[machine]?.TestCases[testCase]?.[stateName];
    if (!responseName) return undefined;
    const attempts = config.MockedResponses[responseName] ?? {};
    let chosen: z.infer<typeof Attempt> | undefined;
    let highest = -1;
    for (const [key, attempt] of Object.entries(attempts)) {
      const [from, to] = key.split('-').map(Number) as [number, number | undefined];
      if (call >= from && call <= (to ?? from)) chosen = attempt;
      // Past the last listed call, the last response repeats.
      if ((to ?? from) > highest && !chosen) highest = to ?? from;
    }
    if (!chosen) {
      const last = Object.entries(attempts).sort(
        (a, b) => Number(b[0].split('-').pop()) - Number(a[0].split('-').pop()),
      )[0];
      chosen = last?.[1];
    }
    if (!chosen) return undefined;
    if ('Throw' in chosen) {
      const failure: Failure = { error: chosen.Throw.Error, cause: chosen.Throw.Cause };
      return { failure };
    }
    return { output: chosen.Return as Json };
  };
}
