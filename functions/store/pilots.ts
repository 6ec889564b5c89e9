// The pilot aggregate: one item per pilot under its programme, with each stage's progress for the
// dashboard's pilots × stages matrix and the pilot's outcome.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { STAGES } from '#plan/kinds.ts';
import { CONDITION, keys } from './keys.ts';
import { queryAll } from './query.ts';
import { conditional, conditionHeld, type Store, withoutKeys } from './store.ts';

export type StageName = 'launch' | 'implementation' | 'evaluation';
export type StageStatus = 'not-started' | 'running' | 'done' | 'failed' | 'stalled';

export interface StageProgress {
  status: StageStatus;
  executionArn?: string;
  /** The step the stage is on, in the words of the state machine. */
  step?: string;
  updatedAt: string;
}

export interface PilotRecord {
  programmeId: string;
  pilotId: string;
  name: string;
  nameEn?: string;
  level: 'town' | 'community';
  type: string;
  town?: string;
  stages: Partial<Record<StageName, StageProgress>>;
  outcome?: 'accepted' | 'failed' | 'stopped';
  acceptanceScore?: number;
  executionArn?: string;
  /** The pilot's summary report, compiled when its evaluation ends (functions/domain/summary.ts). */
  summary?: Record<string, unknown>;
  updatedAt: string;
}

/** Stores the pilots of a programme; a pilot that exists already is left as it is (launching twice is harmless). */
export async function putPilots(store: Store, pilots: PilotRecord[]): Promise<void> {
  // BatchWrite cannot be conditional, so each pilot is its own conditional put.
  await Promise.all(
    pilots.map(async (pilot) => {
      await conditionHeld(() =>
        store.db.send(
          new PutCommand({
            TableName: store.table,
            Item: { ...keys.pilot(pilot.programmeId, pilot.pilotId), ...pilot },
            ConditionExpression: CONDITION.isNew,
          }),
        ),
      );
    }),
  );
}

export async function getPilot(
  store: Store,
  programmeId: string,
  pilotId: string,
): Promise<PilotRecord | undefined> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.pilot(programmeId, pilotId) }),
  );
  return out.Item ? withoutKeys<PilotRecord>(out.Item) : undefined;
}

/** What a check across every pilot of a programme reads of each: where its stages stand and its outcome. */
export type PilotStanding = Pick<PilotRecord, 'pilotId' | 'outcome' | 'acceptanceScore'> & {
  stages: Partial<Record<StageName, Pick<StageProgress, 'status'>>>;
};

/**
 * Every pilot's standing (a projection of listPilots): a tenth of a pilot's item or less, which also holds its
 * stages' execution ARNs and steps, its names and, once compiled, its summary. A check day's batch page and
 * each pilot's outcome read every pilot, so N pilots' outcomes read N × N pilot items. (Before this projection,
 * when every batched task read every pilot too, whole items were 100 MB of the 150 MB the functions read in a
 * 100-pilot rehearsal: docs/benchmarks.md.) DynamoDB still reads and bills the whole items: a projection
 * saves the bytes sent and parsed, not read capacity ("Using projection expressions in DynamoDB", Amazon
 * DynamoDB Developer Guide).
 */
export async function listPilotStandings(
  store: Store,
  programmeId: string,
  options: { consistent?: boolean } = {},
): Promise<PilotStanding[]> {
  const names: Record<string, string> = {
    '#pilotId': 'pilotId',
    '#outcome': 'outcome',
    '#score': 'acceptanceScore',
    '#stages': 'stages',
    '#status': 'status',
  };
  STAGES.forEach((stage, i) => {
    names[`#s${i}`] = stage;
  });
  const projection = {
    ProjectionExpression: [
      '#pilotId',
      '#outcome',
      '#score',
      ...STAGES.map((_, i) => `#stages.#s${i}.#status`),
    ].join(', '),
    ExpressionAttributeNames: names,
  };
  return queryPilots(
    store,
    programmeId,
    options,
    projection,
    (item) => ({ stages: {}, ...item }) as PilotStanding,
  );
}

/** The pilots of a programme; `consistent` reads every write that finished before the call. */
export function listPilots(
  store: Store,
  programmeId: string,
  options: { consistent?: boolean } = {},
): Promise<PilotRecord[]> {
  return queryPilots(store, programmeId, options, {}, (item) => withoutKeys<PilotRecord>(item));
}

/** Every pilot item of a programme (all pages), with `projection` if given, mapped by `map`. */
async function queryPilots<T>(
  store: Store,
  programmeId: string,
  options: { consistent?: boolean },
  projection: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> },
  map: (item: Record<string, unknown>) => T,
): Promise<T[]> {
  const { pk, skPrefix } = keys.pilotsOf(programmeId);
  const { items } = await queryAll(
    store,
    {
      ...(options.consistent ? { ConsistentRead: true } : {}),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ...projection,
    },
    map,
  );
  return items;
}

/**
 * On a pilot that must exist, sets the attribute at `path` (whose `#names` are in `names`) to `value` and
 * updatedAt to `at`; ConflictError when the pilot does not exist.
 */
async function setOnPilot(
  store: Store,
  programmeId: string,
  pilotId: string,
  set: { path: string; names: Record<string, string>; value: unknown; at: string },
): Promise<void> {
  await conditional(`pilot ${pilotId} of ${programmeId} does not exist`, () =>
    store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.pilot(programmeId, pilotId),
        UpdateExpression: `SET ${set.path} = :value, #updatedAt = :at`,
        ConditionExpression: CONDITION.exists,
        ExpressionAttributeNames: { ...set.names, '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':value': set.value, ':at': set.at },
      }),
    ),
  );
}

/** Records a stage's progress (the latest report wins; the workflows report in order). */
export async function recordStage(
  store: Store,
  programmeId: string,
  pilotId: string,
  stage: StageName,
  progress: StageProgress,
): Promise<void> {
  await setOnPilot(store, programmeId, pilotId, {
    path: '#stages.#stage',
    names: { '#stages': 'stages', '#stage': stage },
    value: progress,
    at: progress.updatedAt,
  });
}

/** Records a pilot's outcome once; a second, different outcome is refused. */
export async function recordOutcome(
  store: Store,
  programmeId: string,
  pilotId: string,
  outcome: NonNullable<PilotRecord['outcome']>,
  at: string,
  acceptanceScore?: number,
): Promise<void> {
  await conditional(`pilot ${pilotId} already has an outcome`, () =>
    store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.pilot(programmeId, pilotId),
        UpdateExpression: `SET #outcome = :outcome, #updatedAt = :at${acceptanceScore === undefined ? '' : ', #score = :score'}`,
        ConditionExpression: `${CONDITION.exists} AND (attribute_not_exists(#outcome) OR #outcome = :outcome)`,
        ExpressionAttributeNames: {
          '#outcome': 'outcome',
          '#updatedAt': 'updatedAt',
          ...(acceptanceScore === undefined ? {} : { '#score': 'acceptanceScore' }),
        },
        ExpressionAttributeValues: {
          ':outcome': outcome,
          ':at': at,
          ...(acceptanceScore === undefined ? {} : { ':score': acceptanceScore }),
        },
      }),
    ),
  );
}

/** Stores the pilot's compiled summary report (a retry overwrites it with the same figures). */
export async function recordPilotSummary(
  store: Store,
  programmeId: string,
  pilotId: string,
  summary: Record<string, unknown>,
  at: string,
): Promise<void> {
  await setOnPilot(store, programmeId, pilotId, {
    path: '#summary',
    names: { '#summary': 'summary' },
    value: summary,
    at,
  });
}
