// Creates the template's AWS::DynamoDB::Table resources in DynamoDB Local: keys, indexes and TTL, read from
// the cloud assembly so the local tables are the ones AWS would create.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type CreateTableCommandOutput,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTableCommand,
  type UpdateTableCommandInput,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

interface TableProperties {
  TableName?: string;
  KeySchema: CreateTableCommandInput['KeySchema'];
  AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
  LocalSecondaryIndexes?: CreateTableCommandInput['LocalSecondaryIndexes'];
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
}

/** The table resources of a template, by logical id. */
export function tableResources(template: { Resources?: Record<string, TemplateResource> }) {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
}

/** CreateTable input for a template's table resource, under `tableName`. */
export function createTableInput(resource: TemplateResource, tableName: string): CreateTableCommandInput {
  const p = resource.Properties as unknown as TableProperties;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: p.KeySchema,
    AttributeDefinitions: p.AttributeDefinitions,
    ...(p.GlobalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({
            IndexName,
            KeySchema,
            Projection,
          })),
        }
      : {}),
    ...(p.LocalSecondaryIndexes?.length ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes } : {}),
  };
}

export class TableReplacementError extends Error {
  override name = 'TableReplacementError';
}

/**
 * Creates the table unless it exists (a restart on the same data directory), and turns TTL on. An existing
 * table gets the template's changes as CloudFormation applies them without replacing it: global secondary
 * indexes added or removed, one at a time. A changed key schema would need a new table, which the local cloud
 * does not do to a table holding data: it says so instead.
 */
export async function ensureTable(client: DynamoDBClient, resource: TemplateResource, tableName: string) {
  const existing = await client
    .send(new DescribeTableCommand({ TableName: tableName }))
    .then((r) => r.Table)
    .catch((error: Error) => {
      if (error.name === 'ResourceNotFoundException') return undefined;
      throw error;
    });
  if (existing) {
    await updateIndexes(client, resource, tableName, existing);
    return;
  }
  await client.send(new CreateTableCommand(createTableInput(resource, tableName)));
  const ttl = (resource.Properties as unknown as TableProperties).TimeToLiveSpecification;
  if (ttl?.Enabled) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
}

type TableDescription = NonNullable<CreateTableCommandOutput['TableDescription']>;

const sameKeys = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function updateIndexes(
  client: DynamoDBClient,
  resource: TemplateResource,
  tableName: string,
  existing: TableDescription,
): Promise<void> {
  const wanted = createTableInput(resource, tableName);
  if (!sameKeys(existing.KeySchema, wanted.KeySchema)) {
    throw new TableReplacementError(
      `the template changed the key schema of ${tableName}, which needs a new table: remove the data directory's dynamodb folder to start it afresh`,
    );
  }
  const have = new Map((existing.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  const want = new Map((wanted.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  for (const [name, index] of want) {
    const current = have.get(name);
    if (current && sameKeys(current.KeySchema, index.KeySchema)) continue;
    if (current)
      await updateTable(client, tableName, {
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }],
      });
    await updateTable(client, tableName, {
      AttributeDefinitions: wanted.AttributeDefinitions,
      GlobalSecondaryIndexUpdates: [{ Create: index as Required<typeof index> }],
    });
  }
  for (const name of have.keys()) {
    if (name && !want.has(name)) {
      await updateTable(client, tableName, {
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }],
      });
    }
  }
}

async function updateTable(
  client: DynamoDBClient,
  tableName: string,
  update: Omit<UpdateTableCommandInput, 'TableName'>,
): Promise<void> {
  await client.send(new UpdateTableCommand({ TableName: tableName, ...update }));
  // One index change at a time: wait until the table and its indexes are ACTIVE again.
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const busy =
      Table?.TableStatus !== 'ACTIVE' ||
      (Table.GlobalSecondaryIndexes ?? []).some((i) => i.IndexStatus !== 'ACTIVE');
    if (!busy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
