// The escalate function, run by the EventBridge Scheduler schedule (hourly by default): one sweep of the
// open tasks due, reminding and escalating by each programme's plan, then the daily digests that are due
// (functions/domain/escalation-sweep.ts).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { getStore } from '#adapters/aws.ts';
import { sendEmail } from '#adapters/mail.ts';
import { linkSigningKey } from '#adapters/secrets.ts';
import { sweepEscalations } from '#domain/escalation-sweep.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { logger, metrics } from '#lib/observability.ts';
import { emailTexts } from '#presentation/email/texts.ts';

const env = requireConfig('TABLE_NAME', 'MAIL_FROM', 'API_BASE_URL', 'LINK_SIGNING_SECRET_ARN');

/** Some digests could not be sent, or some tasks failed: failing the run makes Lambda retry it (async invoke). */
export class EscalationIncompleteError extends Error {
  override name = 'EscalationIncompleteError';
}

/** The schedule sends `{ "trigger": "schedule" }`; an operator may invoke it with `{}`. */
export const EscalateInput = z.object({ trigger: z.enum(['schedule', 'manual']).default('manual') });

export const handler = lambdaHandler(EscalateInput, async (input, context) => {
  const report = await sweepEscalations(
    {
      store: getStore(),
      send: sendEmail,
      texts: emailTexts,
      signingKey: linkSigningKey,
      apiBaseUrl: env.API_BASE_URL,
      readAhead: env.ESCALATION_READ_AHEAD,
      timeLeft: () => context.getRemainingTimeInMillis(),
      log: logger,
    },
    new Date(),
  );
  logger.info('escalation sweep', { trigger: input.trigger, ...report });
  metrics.addMetric('EscalationTasksRead', MetricUnit.Count, report.tasksRead);
  metrics.addMetric('EscalationMessagesSent', MetricUnit.Count, report.messagesSent);
  metrics.addMetric('EscalationMessagesFailed', MetricUnit.Count, report.messagesFailed);
  metrics.addMetric('EscalationTasksFailed', MetricUnit.Count, report.tasksFailed);
  if (report.messagesFailed > 0 || report.tasksFailed > 0) {
    throw new EscalationIncompleteError(
      `${report.messagesFailed} digest(s) and ${report.tasksFailed} task(s) failed; the next sweep resumes them`,
    );
  }
  return report;
});
