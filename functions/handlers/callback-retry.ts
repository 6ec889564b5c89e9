// The callback retry, on a schedule: decisions that are recorded but whose SendTaskSuccess failed for a
// transient reason (throttling, a network error, a Step Functions outage) are sent again.
import * as z from 'zod';
import { getStore } from '#adapters/aws.ts';
import { sfnTaskCallback } from '#adapters/sfn.ts';
import { retryPendingCallbacks } from '#domain/decision.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { logger } from '#lib/observability.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(z.unknown(), async () => {
  const report = await retryPendingCallbacks({
    store: getStore(),
    callback: sfnTaskCallback,
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
  });
  logger.info('callback retry finished', { ...report });
  return report;
});
