import { describe, expect, it } from 'vitest';
import { ConflictError, TransientError, ValidationError } from '#lib/errors.ts';
import { asTransient } from '#lib/middleware.ts';

describe('errors a workflow retries', () => {
  it('are throttling, server and network errors of the AWS SDK, named TransientError', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: {},
    });
    const server = Object.assign(new Error('boom'), {
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    });
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const error of [throttled, server, network]) {
      const mapped = asTransient(error);
      expect(mapped).toBeInstanceOf(TransientError);
      expect((mapped as Error).name).toBe('TransientError');
      expect((mapped as Error).cause).toBe(error);
    }
  });

  it('are not bad input, conflicts or a refused conditional write', () => {
    const conditional = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400 },
    });
    for (const error of [new ValidationError('bad'), new ConflictError('decided'), conditional]) {
      expect(asTransient(error)).toBe(error);
    }
  });
});
