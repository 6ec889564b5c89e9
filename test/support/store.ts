// A fresh table in DynamoDB Local for a test file, created from the CDK template's table resource.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureTable, tableResources } from '#local/cloud/tables.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { createStore, type Store } from '#store/store.ts';
import { stackTemplate } from './template.ts';

export async function freshStore(): Promise<Store> {
  const endpoint = inject('dynamodbEndpoint');
  const [entry] = tableResources(stackTemplate());
  if (!entry) throw new Error('the stack has no DynamoDB table');
  const table = `test-${randomUUID()}`;
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
  await ensureTable(client, entry[1], table);
  client.destroy();
  return createStore(table, { endpoint, ...LOCAL_AWS });
}

/** Every item of the store's table, sorted by key, for "nothing changed" assertions. */
export async function allItems(store: Store): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new ScanCommand({ TableName: store.table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => `${a.pk}\n${a.sk}`.localeCompare(`${b.pk}\n${b.sk}`));
}
