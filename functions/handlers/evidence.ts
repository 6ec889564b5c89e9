// The evidence bucket as the domain's port (functions/domain/evidence.ts): the S3 adapter bound to the bucket
// named in EVIDENCE_BUCKET, or nothing in a function that has no bucket (its forms then must not take files).
import { getEvidenceStore } from '#adapters/evidence-store.ts';
import type { EvidenceStore } from '#domain/evidence.ts';
import { config } from '#lib/config.ts';

let bound: EvidenceStore | undefined;

export function evidenceStore(): EvidenceStore | undefined {
  const bucket = config.EVIDENCE_BUCKET;
  if (!bucket) return undefined;
  if (!bound) {
    const s3 = getEvidenceStore();
    bound = {
      presignUpload: (options) => s3.presignUpload({ bucket, ...options }),
      presignDownload: (options) => s3.presignDownload({ bucket, ...options }),
      listFiles: (prefix) => s3.listFiles(bucket, prefix),
      deleteFile: (key) => s3.deleteFile(bucket, key),
    };
  }
  return bound;
}
