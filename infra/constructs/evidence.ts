// The evidence files' bucket (functions/adapters/evidence-store.ts): officials' implementation plans, photos
// and proofs, uploaded by their browsers straight to S3 with POST forms that the page functions sign, and read
// back through short-lived URLs those functions sign. Nobody else reaches a file: all public access is blocked,
// plain HTTP is refused, and only the functions granted here may sign.

import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { mark } from '../marks.ts';
import type { PilotFlowFunction } from './function.ts';

/** Every evidence key starts with it (evidence/<programme>/<pilot>/<task>/<upload>/<file>). */
export const EVIDENCE_PREFIX = 'evidence/';

export interface EvidenceProps {
  /** Days a file is kept after its upload; then S3 deletes it (lifecycle expiration). */
  retentionDays: number;
}

export class Evidence extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      // SSE-S3, not a KMS key: a browser's POST upload would need kms:GenerateDataKey on a customer key through
      // the signer's role, and a key costs $1 a month plus requests, for no reader the bucket policy does not
      // already exclude.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // No versioning: each upload has a key of its own (a random folder per form) and is never overwritten,
      // and the only deletions are of refused uploads, which must not linger as old versions.
      versioned: false,
      lifecycleRules: [
        { id: 'retention', prefix: EVIDENCE_PREFIX, expiration: Duration.days(props.retentionDays) },
        { id: 'abandoned-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // No CORS: the pages upload with a plain HTML form POST (a navigation, which CORS does not govern).
      // Kept like the table: the evidence outlives a redeployment or a deleted stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    mark(this.bucket, { role: 'evidence' });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: every read is through a URL one of the functions signs for a named person, ' +
        'which its audit trail records, and an access log would name only the function’s role.',
    });
  }

  /** Lets the function sign upload forms (PutObject under evidence/) and list what was uploaded. */
  grantUpload(fn: PilotFlowFunction): this {
    this.allow(fn, ['s3:PutObject']);
    return this.grantList(fn);
  }

  /** Lets the function sign download URLs (GetObject under evidence/) and list the files. */
  grantDownload(fn: PilotFlowFunction): this {
    this.allow(fn, ['s3:GetObject']);
    return this.grantList(fn);
  }

  /** Lets the function delete a file (an upload that came after its task was decided). */
  grantDelete(fn: PilotFlowFunction): this {
    this.allow(fn, ['s3:DeleteObject']);
    return this;
  }

  /** ListBucket for keys under evidence/ only, and the bucket's name in EVIDENCE_BUCKET. */
  grantList(fn: PilotFlowFunction): this {
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${EVIDENCE_PREFIX}*`] } },
      }),
    );
    fn.fn.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    return this;
  }

  private allow(fn: PilotFlowFunction, actions: string[]): void {
    fn.fn.addToRolePolicy(
      new PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${EVIDENCE_PREFIX}*`)] }),
    );
    const cfn = this.bucket.node.defaultChild as CfnBucket;
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(cfn)}.Arn>/${EVIDENCE_PREFIX}*]`,
      reason: 'Objects under evidence/ of this bucket only: every task’s files have keys of their own there.',
    });
  }
}
