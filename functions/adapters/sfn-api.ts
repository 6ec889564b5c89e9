// The Step Functions reads and the stop the dashboard needs, over the SFN client (AWS, or the local
// runtime's endpoint): an execution, its whole history (every page), its machine's definition.
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  type SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionDescription, HistoryEvent, SfnApi } from '#domain/executions.ts';

const MISSING = ['ExecutionDoesNotExist', 'StateMachineDoesNotExist'];

/** At most this many events are read per execution (a pilot's year is a few thousand). */
const MAX_EVENTS = 25_000;

export function sfnApi(client: SFNClient): SfnApi {
  return {
    async describeExecution(executionArn) {
      try {
        const out = await client.send(new DescribeExecutionCommand({ executionArn }));
        return {
          executionArn: out.executionArn ?? executionArn,
          stateMachineArn: out.stateMachineArn ?? '',
          name: out.name ?? executionArn.split(':').pop() ?? '',
          status: out.status ?? 'RUNNING',
          ...(out.startDate ? { startDate: out.startDate.toISOString() } : {}),
          ...(out.stopDate ? { stopDate: out.stopDate.toISOString() } : {}),
          ...(out.input !== undefined ? { input: out.input } : {}),
          ...(out.output !== undefined ? { output: out.output } : {}),
          ...(out.error ? { error: out.error } : {}),
          ...(out.cause ? { cause: out.cause } : {}),
        } satisfies ExecutionDescription;
      } catch (error) {
        if (error instanceof Error && MISSING.includes(error.name)) return undefined;
        throw error;
      }
    },
    async definitionForExecution(executionArn) {
      const out = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
      return out.definition ?? '{}';
    },
    async definitionOfMachine(stateMachineArn) {
      try {
        const out = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
        return out.definition;
      } catch (error) {
        if (error instanceof Error && MISSING.includes(error.name)) return undefined;
        throw error;
      }
    },
    async history(executionArn) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(
          new GetExecutionHistoryCommand({
            executionArn,
            maxResults: 1000,
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        for (const e of out.events ?? []) events.push(e as unknown as HistoryEvent);
        nextToken = out.nextToken;
      } while (nextToken && events.length < MAX_EVENTS);
      return events;
    },
    async stopExecution(executionArn, error, cause) {
      await client.send(new StopExecutionCommand({ executionArn, error, cause }));
    },
  };
}
