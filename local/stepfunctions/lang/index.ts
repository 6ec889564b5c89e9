// The Amazon States Language evaluation layer: pure functions the Step Functions engine calls for every piece
// of data processing. No I/O, no clock reads, no AWS SDK; randomness and time are passed in.

export * from './choice.ts';
export * from './errors.ts';
export * from './intrinsics.ts';
export * from './jsonata.ts';
export * from './jsonpath.ts';
export * from './limits.ts';
export * from './payload.ts';
export * from './processing.ts';
export * from './retry.ts';
export * from './timestamps.ts';
export * from './types.ts';
export * from './variables.ts';
