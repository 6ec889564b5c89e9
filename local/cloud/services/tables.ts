// The template's tables, created in DynamoDB Local (or brought up to the template's indexes and TTL).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalAws } from '../../dynamodb-local.ts';
import type { TemplateResource } from '../intrinsics.ts';
import { ensureTable } from '../tables.ts';

/** Ensures every table; returns their names. */
export async function createTables(
  endpoint: string,
  aws: LocalAws,
  tables: Array<{ name: string; resource: TemplateResource }>,
): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint, ...aws });
  try {
    for (const { name, resource } of tables) await ensureTable(client, resource, name);
  } finally {
    client.destroy();
  }
  return tables.map((t) => t.name);
}
