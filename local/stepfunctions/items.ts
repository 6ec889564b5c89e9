// The ItemReader of a runtime given an S3 endpoint: the S3 client (integrations/s3-items.ts) is loaded on the
// first read, so that a runtime that reads no items from S3 loads no S3 SDK.
import type { ItemRead, ReadItems } from './integrations/s3-items.ts';

export function lazyItemReader(endpoint: string, region: string): ReadItems {
  let reader: Promise<ReadItems> | undefined;
  return async (read: ItemRead) => {
    reader ??= import('./integrations/s3-items.ts').then((m) => m.s3ItemReader(endpoint, region));
    return await (await reader)(read);
  };
}
