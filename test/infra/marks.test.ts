// Marks (infra/marks.ts) as the CDK writes them: CloudFormation Metadata on the marked construct's resource,
// which the local cloud reads back from the synthesised template.

import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { App, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { mark } from '#infra/marks.ts';
import { marksOf } from '#local/cloud/assembly.ts';

describe('a mark', () => {
  it('goes into the Metadata of the construct’s resource, where the local cloud reads it back', () => {
    const stack = new Stack(new App(), 'Marked');
    mark(new Queue(stack, 'Work'), { role: 'launcher', adminCookie: 'session' });
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::SQS::Queue')) as Array<{
      Metadata?: Record<string, unknown>;
    }>;
    expect(resource?.Metadata).toMatchObject({
      'pilotflow:role': 'launcher',
      'pilotflow:admin-cookie': 'session',
    });
    expect(marksOf(resource?.Metadata)).toEqual({ role: 'launcher', adminCookie: 'session' });
  });

  it('needs a construct with a CloudFormation resource', () => {
    const stack = new Stack(new App(), 'Unmarked');
    expect(() => mark(new Construct(stack, 'Group'), { role: 'launcher' })).toThrow(
      'Unmarked/Group has no CloudFormation resource to mark',
    );
  });
});
