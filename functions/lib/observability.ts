// Powertools Logger and Metrics, one instance each per function (STYLE.md §2).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { config } from './config.ts';

export const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME });
export const metrics = new Metrics({ namespace: 'PilotFlow', serviceName: config.POWERTOOLS_SERVICE_NAME });
