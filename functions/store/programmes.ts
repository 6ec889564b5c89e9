// The programme aggregate: one item per launched plan, holding the validated plan (gzip-compressed so a
// 1,000-pilot plan stays far below DynamoDB's 400 KB item limit) and the programme's status.
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, INDEX, keys } from './keys.ts';
import { queryAll } from './query.ts';
import { ConflictError, conditional, type Store, withoutKeys } from './store.ts';

export type ProgrammeStatus = 'launched' | 'running' | 'completed' | 'failed';

export interface ProgrammeRecord {
  programmeId: string;
  title: string;
  status: ProgrammeStatus;
  launchedAt: string;
  updatedAt: string;
  executionArn?: string;
  summarySentAt?: string;
  /** The summary text the lead unit confirmed and sent, in the report to the higher level. */
  summaryNote?: string;
  /** The programme's compiled summary (functions/domain/summary.ts), once every pilot finished. */
  summary?: Record<string, unknown>;
}

interface StoredProgramme extends ProgrammeRecord {
  planGz: Uint8Array;
  /** The token of the Programme execution's "wait for every pilot" task; never leaves the back end. */
  pilotsDoneToken?: string;
}

/** Stores a programme and its plan unless it exists already. Resolves to false when it did. */
export async function putProgrammeOnce(
  store: Store,
  programme: ProgrammeRecord,
  plan: unknown,
): Promise<boolean> {
  try {
    await conditional(`programme ${programme.programmeId} exists already`, () =>
      store.db.send(
        new PutCommand({
          TableName: store.table,
          Item: {
            ...keys.programme(programme.programmeId),
            ...keys.programmeListEntry(programme.launchedAt, programme.programmeId),
            ...programme,
            planGz: gzipSync(JSON.stringify(plan)),
          },
          ConditionExpression: CONDITION.isNew,
        }),
      ),
    );
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

export async function getProgramme(store: Store, programmeId: string): Promise<ProgrammeRecord | undefined> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.programme(programmeId) }),
  );
  if (!out.Item) return undefined;
  const { planGz: _plan, pilotsDoneToken: _token, ...record } = withoutKeys<StoredProgramme>(out.Item);
  return record;
}

/** The plan stored with a programme, as it was launched. */
export function getProgrammePlan<T = unknown>(store: Store, programmeId: string): Promise<T | undefined> {
  return getStoredPlan<T>(store, keys.programme(programmeId));
}

/** The gzip-compressed plan (`planGz`) of the item at `key`: a programme's, or an amended version's. */
export async function getStoredPlan<T = unknown>(
  store: Store,
  key: Record<string, unknown>,
): Promise<T | undefined> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: key, ProjectionExpression: 'planGz' }),
  );
  const gz = out.Item?.planGz as Uint8Array | undefined;
  return gz ? (JSON.parse(gunzipSync(gz).toString('utf8')) as T) : undefined;
}

/** Moves a programme to `status` only from one of `from`. */
export async function setProgrammeStatus(
  store: Store,
  programmeId: string,
  from: ProgrammeStatus[],
  status: ProgrammeStatus,
  at: string,
  extra: Partial<Pick<ProgrammeRecord, 'executionArn' | 'summarySentAt' | 'summaryNote' | 'summary'>> = {},
): Promise<void> {
  const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':status': status, ':at': at };
  const sets = ['#status = :status', '#updatedAt = :at'];
  for (const [field, value] of Object.entries(extra)) {
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  const allowed = from.map((_, i) => `:from${i}`);
  from.forEach((value, i) => {
    values[`:from${i}`] = value;
  });
  await conditional(`programme ${programmeId} is not ${from.join(' or ')}`, () =>
    store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.programme(programmeId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `${CONDITION.exists} AND #status IN (${allowed.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** Stores the task token the Programme execution waits on until every pilot has finished. */
export async function setPilotsDoneToken(store: Store, programmeId: string, token: string): Promise<void> {
  await conditional(`programme ${programmeId} does not exist`, () =>
    store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.programme(programmeId),
        UpdateExpression: 'SET pilotsDoneToken = :token',
        ConditionExpression: CONDITION.exists,
        ExpressionAttributeValues: { ':token': token },
      }),
    ),
  );
}

export async function getPilotsDoneToken(store: Store, programmeId: string): Promise<string | undefined> {
  const out = await store.db.send(
    new GetCommand({
      TableName: store.table,
      Key: keys.programme(programmeId),
      ProjectionExpression: 'pilotsDoneToken',
      ConsistentRead: true,
    }),
  );
  return out.Item?.pilotsDoneToken as string | undefined;
}

/**
 * Every programme, oldest launch first (the plans are left out). The byParent index holds the whole item, so
 * each programme costs its plan's size in read capacity: fine for the few programmes a county runs.
 */
export async function listProgrammes(store: Store): Promise<ProgrammeRecord[]> {
  const { gsi1pk, skPrefix } = keys.programmeList();
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':prefix': skPrefix },
      ProjectionExpression: 'programmeId, title, #status, launchedAt, updatedAt, executionArn, summarySentAt',
      ExpressionAttributeNames: { '#status': 'status' },
    },
    (item) => withoutKeys<ProgrammeRecord>(item),
  );
  return items;
}
