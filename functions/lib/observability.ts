// Powertools Logger, Metrics and Tracer, one instance each per function (STYLE.md §2). The tracer is off
// outside Lambda and in the local cloud (POWERTOOLS_TRACE_ENABLED=false there: no X-Ray daemon).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { config } from './config.ts';

export const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME });
export const metrics = new Metrics({ namespace: 'PilotFlow', serviceName: config.POWERTOOLS_SERVICE_NAME });
// HTTPS calls are traced through the SDK clients (captureAWSv3Client in aws.ts), not by patching https: the
// only other outbound calls are SMTP, which is not HTTP.
export const tracer = new Tracer({
  serviceName: config.POWERTOOLS_SERVICE_NAME,
  captureHTTPsRequests: false,
});
