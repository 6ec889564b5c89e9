// The evidence bucket as synthesised: private (public access blocked, plain HTTP refused, SSE-S3), files
// expiring after the configured retention, and the grants the signing functions need and no more: PutObject,
// GetObject and DeleteObject under evidence/ only, ListBucket only for that prefix, nothing to anyone else.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthApp } from '#test/support/template.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let resources: Array<[string, Resource]>;
let custom: Array<[string, Resource]>;
beforeAll(() => {
  resources = Object.entries(Template.fromStack(synthApp().stack).toJSON().Resources);
  custom = Object.entries(
    Template.fromStack(synthApp({ evidenceRetentionDays: '30' }).stack).toJSON().Resources,
  );
}, 240_000);

const ofType = (type: string, from = resources) => from.filter(([, r]) => r.Type === type);
const bucket = (from = resources) => {
  const buckets = ofType('AWS::S3::Bucket', from);
  expect(buckets).toHaveLength(1);
  return buckets[0] as [string, Resource];
};

/** Each function (by its handler's service name) with the S3 statements of its role's policies. */
function s3Grants(): Map<string, Statement[]> {
  const grants = new Map<string, Statement[]>();
  for (const [, fn] of ofType('AWS::Lambda::Function')) {
    const name = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables
      .POWERTOOLS_SERVICE_NAME as string;
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    if (statements.length) grants.set(name, statements);
  }
  return grants;
}

describe('the evidence bucket', () => {
  it('blocks all public access, encrypts with S3-managed keys and is kept when the stack goes', () => {
    const [, b] = bucket();
    expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(b.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(b.Properties.VersioningConfiguration).toBeUndefined();
    expect(b.DeletionPolicy).toBe('Retain');
  });

  it('refuses every request over plain HTTP in its bucket policy', () => {
    const [id] = bucket();
    const [[, policy]] = ofType('AWS::S3::BucketPolicy') as [[string, Resource]];
    expect(policy.Properties.Bucket).toEqual({ Ref: id });
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('expires evidence after ten years by default, and after the days given by evidenceRetentionDays', () => {
    const rules = (from: Array<[string, Resource]>) =>
      (bucket(from)[1].Properties.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
    expect(rules(resources)).toContainEqual(
      expect.objectContaining({ Prefix: 'evidence/', ExpirationInDays: 3650, Status: 'Enabled' }),
    );
    expect(rules(custom)).toContainEqual(
      expect.objectContaining({ Prefix: 'evidence/', ExpirationInDays: 30 }),
    );
  });

  it('is marked as the evidence bucket for the local cloud', () => {
    expect(bucket()[1]).toMatchObject({ Metadata: { 'pilotflow:role': 'evidence' } });
  });
});

describe('the grants on evidence', () => {
  it('go to the link pages and the dashboard only', () => {
    expect([...s3Grants().keys()].sort()).toEqual(['approval', 'dashboard', 'supervision']);
  });

  it('let the link pages put, get and delete objects under evidence/ and nothing else of the bucket', () => {
    const [id] = bucket();
    for (const name of ['approval', 'supervision']) {
      const objectStatements = (s3Grants().get(name) ?? []).filter((s) => s.Condition === undefined);
      expect(objectStatements.flatMap((s) => [s.Action].flat()).sort(), name).toEqual([
        's3:DeleteObject',
        's3:GetObject',
        's3:PutObject',
      ]);
      for (const s of objectStatements) {
        expect(s.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/evidence/*']] });
      }
    }
  });

  it('let the dashboard get objects but never put or delete them', () => {
    const actions = (s3Grants().get('dashboard') ?? []).flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(['s3:GetObject', 's3:ListBucket']);
  });

  it('list the bucket only under evidence/', () => {
    const [id] = bucket();
    for (const [name, statements] of s3Grants()) {
      const list = statements.filter((s) => [s.Action].flat().includes('s3:ListBucket'));
      expect(list.length, name).toBeGreaterThan(0);
      for (const s of list) {
        expect(s.Resource, name).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
        expect(s.Condition, name).toEqual({ StringLike: { 's3:prefix': ['evidence/*'] } });
      }
    }
  });

  it('tell each granted function the bucket, and no other function', () => {
    const [id] = bucket();
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const granted = s3Grants().has(variables.POWERTOOLS_SERVICE_NAME as string);
      expect(variables.EVIDENCE_BUCKET, String(variables.POWERTOOLS_SERVICE_NAME)).toEqual(
        granted ? { Ref: id } : undefined,
      );
    }
  });
});
