// Creates the template's AWS::DynamoDB::Table resources in DynamoDB Local: keys, indexes and TTL, read from
// the cloud assembly so the local tables are the ones AWS would create.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
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
    ...(p.GlobalSecondaryIndexes
      ? {
          GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({
            IndexName,
            KeySchema,
            Projection,
          })),
        }
      : {}),
    ...(p.LocalSecondaryIndexes ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes } : {}),
  };
}

/** Creates the table unless it exists (a restart on the same data directory), and turns TTL on. */
export async function ensureTable(client: DynamoDBClient, resource: TemplateResource, tableName: string) {
  const exists = await client
    .send(new DescribeTableCommand({ TableName: tableName }))
    .then(() => true)
    .catch((error: Error) => {
      if (error.name === 'ResourceNotFoundException') return false;
      throw error;
    });
  if (exists) return;
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
