// SES bounce and complaint events, delivered by SNS from the configuration set's event destination: each
// affected address's status is recorded, and the task or pilot the e-mail was about gets an audit event.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getStore } from '#adapters/aws.ts';
import { recordMailEvents, SnsEventSchema } from '#domain/mail-events.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { logger, metrics } from '#lib/observability.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(SnsEventSchema, async (event) => {
  const report = await recordMailEvents(
    { store: getStore(), now: () => new Date(), log: logger },
    event.Records.map((r) => r.Sns.Message),
  );
  logger.info('mail events', { ...report });
  metrics.addMetric('MailEventsRecorded', MetricUnit.Count, report.recorded);
  return report;
});
