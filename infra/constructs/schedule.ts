// The role an EventBridge Scheduler schedule invokes one of our functions with, and the cdk-nag finding it
// carries acknowledged once, here.

import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import type { PilotFlowFunction } from './function.ts';

/**
 * The role a schedule invokes `fn` with: its own rather than the stack-wide one the target would create, so its
 * one acknowledged finding is its own, and assumable only by EventBridge Scheduler for schedules of this
 * account's default group (no confused deputy).
 */
export function scheduleRole(
  scope: Construct,
  id: string,
  fn: PilotFlowFunction,
  description?: string,
): Role {
  const stack = Stack.of(scope);
  const role = new Role(scope, id, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      },
    }),
    ...(description ? { description } : {}),
  });
  const fnLogicalId = stack.getLogicalId(fn.fn.node.defaultChild as CfnElement);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
    reason:
      'lambda:InvokeFunction on this one function and its versions (the Lambda target grants invoke with the `:*` qualifier form), nothing else.',
  });
  return role;
}
