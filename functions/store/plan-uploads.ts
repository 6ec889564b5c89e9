// Plans uploaded on the dashboard, kept under the SHA-256 of their text between the preview and the launch, so
// that the launch button starts exactly the plan that was previewed (docs/dashboard.md, "Launching a plan").
// Gzip-compressed like a launched programme's plan; removed by the table's TTL a day after the upload.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.ts';
import type { Store } from './store.ts';

/** How long (real time) an uploaded plan stays for its launch. */
export const PLAN_UPLOAD_RETENTION_SECONDS = 24 * 60 * 60;

export interface PlanUpload {
  /** Hex SHA-256 of the plan's text (UTF-8). */
  sha256: string;
  planYaml: string;
  /** The uploaded file's name. */
  source: string;
  uploadedAt: string;
  uploadedBy: string;
}

export const planHashOf = (planYaml: string): string =>
  createHash('sha256').update(planYaml, 'utf8').digest('hex');

/** Stores an upload (the same text again overwrites it with the same content). */
export async function putPlanUpload(store: Store, upload: Omit<PlanUpload, 'sha256'>): Promise<string> {
  const sha256 = planHashOf(upload.planYaml);
  const { planYaml, ...rest } = upload;
  await store.db.send(
    new PutCommand({
      TableName: store.table,
      Item: {
        ...keys.planUpload(sha256),
        ...rest,
        sha256,
        planGz: gzipSync(planYaml),
        // Housekeeping, not a rule: nothing reads an upload's age (DynamoDB deletes it some time after).
        ttl: Math.floor(Date.parse(upload.uploadedAt) / 1000) + PLAN_UPLOAD_RETENTION_SECONDS,
      },
    }),
  );
  return sha256;
}

export async function getPlanUpload(store: Store, sha256: string): Promise<PlanUpload | undefined> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.planUpload(sha256), ConsistentRead: true }),
  );
  const item = out.Item;
  if (!item) return undefined;
  const planYaml = gunzipSync(item.planGz as Uint8Array).toString('utf8');
  // What is launched is what was hashed: a stored item that does not match its key is not used.
  if (planHashOf(planYaml) !== sha256) return undefined;
  return {
    sha256,
    planYaml,
    source: String(item.source ?? ''),
    uploadedAt: String(item.uploadedAt ?? ''),
    uploadedBy: String(item.uploadedBy ?? ''),
  };
}
