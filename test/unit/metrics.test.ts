// The functions' metrics (functions/lib/observability.ts) through the middleware every handler runs: an
// invocation that records a metric writes its CloudWatch embedded-metric-format line; one that records none
// writes nothing about metrics (Powertools alone would warn "No application metrics to publish" every time).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { lambdaHandler } from '#lib/middleware.ts';
import { metrics } from '#lib/observability.ts';

type Line = { _aws?: { CloudWatchMetrics: unknown[] } } & Record<string, unknown>;

const context = { functionName: 'metrics-test', awsRequestId: 'r-1' } as Context;

describe('metrics through the handler middleware', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    const write = (chunk: unknown) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(write);
    vi.spyOn(process.stderr, 'write').mockImplementation(write);
  });
  afterEach(() => vi.restoreAllMocks());

  const emf = () =>
    lines.flatMap((line) => {
      try {
        const json = JSON.parse(line) as Line;
        return json._aws ? [json] : [];
      } catch {
        return [];
      }
    });

  it('writes nothing about metrics for an invocation that records none', async () => {
    const handler = lambdaHandler(z.object({}), async () => 'done');
    await expect(handler({}, context)).resolves.toBe('done');
    expect(lines.filter((l) => /metric/i.test(l))).toEqual([]);
  });

  it("publishes an invocation's metric, without the dimensions of an earlier invocation that recorded none", async () => {
    const quiet = lambdaHandler(z.object({}), async () => {
      metrics.addDimension('county', 'xx');
      return 'quiet';
    });
    const counting = lambdaHandler(z.object({}), async () => {
      metrics.addMetric('TasksRead', MetricUnit.Count, 3);
      return 'counted';
    });
    await quiet({}, context);
    await counting({}, context);
    const published = emf();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ TasksRead: 3, service: expect.any(String) });
    expect(published[0]).not.toHaveProperty('county');
    expect(lines.filter((l) => /No application metrics/.test(l))).toEqual([]);
  });
});
