// Powertools Logger, Metrics and Tracer, one instance each per function (STYLE.md §2). The tracer is off
// outside Lambda and in the local cloud (POWERTOOLS_TRACE_ENABLED=false there: no X-Ray daemon).
import { createRequire } from 'node:module';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { config } from './config.ts';

export const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME });

/**
 * Metrics that publish only when something was recorded. Every handler runs `logMetrics` (middleware.ts), but
 * only the escalation sweep and the mail-event recorder add metrics; Powertools' publishStoredMetrics logs "No
 * application metrics to publish" on every other invocation, one useless line per invocation in each function's
 * log. `hasStoredMetrics()` is public for this (powertools-lambda-typescript#2036, #3023). An invocation that
 * recorded no metric still drops the dimensions and metadata it added, as a publish would (nothing here sets
 * `throwOnEmptyMetrics`, whose error this would skip). Its other warnings (a dimension refused) go through the
 * structured logger, with the invocation's context.
 */
export class PublishedMetrics extends Metrics {
  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) return super.publishStoredMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}

export const metrics = new PublishedMetrics({
  namespace: 'PilotFlow',
  serviceName: config.POWERTOOLS_SERVICE_NAME,
  logger,
});

/**
 * True unless POWERTOOLS_TRACE_ENABLED turns tracing off, read as the Tracer reads it (only 'false', in any
 * case, turns it off: https://docs.powertools.aws.dev/lambda/typescript/latest/core/tracer/).
 */
export const tracingEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';

/**
 * The Tracer package, loaded on first call. In a bundle `require` is the one its banner defines (infra/bundle.ts)
 * and esbuild bundles the package behind this call, evaluated only when it runs; run from source (the tests), an
 * ES module has no `require`, and Node's loads it from node_modules. Not `await import()`: a top-level await makes
 * the module and every module importing it asynchronous, and in the local cloud a worker thread stopped in the
 * middle of evaluating such a graph could abort the whole process (a V8 check in Node.js 24, nodejs/node#60755;
 * docs/local-cloud.md, "Stopping").
 */
const loadTracer = (): typeof import('@aws-lambda-powertools/tracer') =>
  typeof require === 'function'
    ? require('@aws-lambda-powertools/tracer')
    : createRequire(import.meta.url)('@aws-lambda-powertools/tracer');

/**
 * The Tracer, or undefined where tracing is off. It is loaded only where it can trace: loading it loads the
 * X-Ray SDK, whose cls-hooked namespace, created at load in a Lambda environment, puts an async hook on every
 * promise of the function even with tracing off (8% of a local rehearsal's function CPU, docs/benchmarks.md).
 * HTTPS calls are traced through the SDK clients (traced below), not by patching https: the only other
 * outbound calls are SMTP, which is not HTTP.
 */
export const tracer: Tracer | undefined = tracingEnabled()
  ? new (loadTracer().Tracer)({
      serviceName: config.POWERTOOLS_SERVICE_NAME,
      captureHTTPsRequests: false,
    })
  : undefined;

/** An AWS SDK v3 client with an X-Ray subsegment per call where tracing is on; the client itself otherwise. */
export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
