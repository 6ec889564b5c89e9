// The one shape of our dead-letter queues: encrypted, TLS only, two weeks' retention, and the cdk-nag finding
// every one of them carries (a dead-letter queue with no dead-letter queue of its own) acknowledged here.

import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Duration, Validations } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';

/**
 * A dead-letter queue for what a schedule or a function's asynchronous invocations could not deliver or kept
 * failing, kept two weeks for an operator (and alarmed on). `of` says whose, for the acknowledged finding.
 */
export function deadLetterQueue(scope: Construct, id: string, of: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${of}.`,
  });
  return queue;
}
