// A Distributed Map's ItemReader: the items of a JSON array or a CSV file in S3 (s3:getObject), or the objects
// of a bucket listing (s3:listObjectsV2), read through @aws-sdk/client-s3 at the endpoint the runtime is given
// (`--s3-endpoint`). https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { StatesFailure } from '../failure.ts';
import type { Json } from '../types.ts';
import { localClientConfig } from './client-config.ts';

export interface ItemRead {
  /** `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`. */
  resource: string;
  /** Bucket and Key (getObject) or Bucket and Prefix (listObjectsV2), evaluated. */
  parameters: Json;
  /** ReaderConfig: InputType JSON or CSV, CSVHeaderLocation FIRST_ROW or GIVEN with CSVHeaders, MaxItems. */
  config: Record<string, unknown>;
}

export type ReadItems = (read: ItemRead) => Promise<Json[]>;

/**
 * The S3 client signs with the environment's credentials when it has them (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, as S3-compatible servers check them), otherwise with dummy ones.
 */
export function s3ItemReader(endpoint: string, region: string): ReadItems {
  const { credentials, ...config } = localClientConfig(endpoint, region);
  const s3 = new S3Client({
    ...config,
    ...(process.env.AWS_ACCESS_KEY_ID ? {} : { credentials }),
    forcePathStyle: true,
  });
  return async ({ resource, parameters, config }) => {
    const p = (parameters ?? {}) as { Bucket?: unknown; Key?: unknown; Prefix?: unknown };
    const max = typeof config.MaxItems === 'number' && config.MaxItems > 0 ? config.MaxItems : undefined;
    let items: Json[];
    try {
      if (typeof p.Bucket !== 'string') throw new Error('ItemReader Parameters need a Bucket');
      if (resource.endsWith(':listObjectsV2')) {
        items = await listObjects(s3, p.Bucket, typeof p.Prefix === 'string' ? p.Prefix : undefined);
      } else {
        if (typeof p.Key !== 'string') throw new Error('ItemReader Parameters need a Key');
        const got = await s3.send(new GetObjectCommand({ Bucket: p.Bucket, Key: p.Key }));
        const text = (await got.Body?.transformToString('utf8')) ?? '';
        items = config.InputType === 'CSV' ? csvItems(text, config) : jsonItems(text);
      }
    } catch (error) {
      if (error instanceof StatesFailure) throw error;
      throw new StatesFailure({
        error: 'States.ItemReaderFailed',
        cause: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
    return max === undefined ? items : items.slice(0, max);
  };
}

/** Each object as AWS gives it: Etag, Key, LastModified (epoch seconds), Size, StorageClass. */
async function listObjects(s3: S3Client, bucket: string, prefix: string | undefined): Promise<Json[]> {
  const items: Json[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      items.push({
        Etag: o.ETag,
        Key: o.Key,
        LastModified: o.LastModified ? Math.floor(o.LastModified.getTime() / 1000) : undefined,
        Size: o.Size,
        StorageClass: o.StorageClass ?? 'STANDARD',
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return items;
}

function jsonItems(text: string): Json[] {
  const parsed = JSON.parse(text) as Json;
  if (!Array.isArray(parsed)) throw new Error('The JSON file of an ItemReader must hold an array');
  return parsed;
}

/** CSV rows as objects keyed by the header (the first row, or CSVHeaders); every value a string. */
function csvItems(text: string, config: Record<string, unknown>): Json[] {
  const rows = parseCsv(text);
  const headers = config.CSVHeaderLocation === 'GIVEN' ? (config.CSVHeaders as string[]) : rows.shift();
  if (!headers) return [];
  return rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? ''])));
}

/** RFC 4180: comma-separated, double quotes around values that hold commas, quotes or line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else value += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(value);
      value = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(value);
      rows.push(row);
      row = [];
      value = '';
    } else value += ch;
  }
  if (value !== '' || row.length) {
    row.push(value);
    rows.push(row);
  }
  return rows;
}
