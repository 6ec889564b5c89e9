// A fresh table in DynamoDB Local for a test file, created from the CDK template's table resource.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
