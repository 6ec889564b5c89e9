// The payload quota: "Maximum input or output size for a task, state, or execution: 256 KiB of data as a
// UTF-8 encoded string" (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). Exceeding it
// is States.DataLimitExceeded, a terminal error no Catch handles (see errors.ts).

import { StatesError, StatesErrorNames } from './errors.ts';

export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** The size of a value as AWS counts it: its JSON text in UTF-8. */
export function payloadSizeBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

/** Throws States.DataLimitExceeded when `value` is larger than the quota; `what` names it in the cause. */
export function checkPayloadSize(value: unknown, what = 'The state output'): void {
  const size = payloadSizeBytes(value);
  if (size > MAX_PAYLOAD_BYTES) {
    throw new StatesError(
      StatesErrorNames.DataLimitExceeded,
      `${what} has a size of ${size} bytes, exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`,
    );
  }
}

/**
 * The quota on variables: "The maximum size of a single variable is 256 KiB … The maximum combined size for
 * all variables in a single Assign field is also 256 KiB"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html, "Variable size limits").
 * Over it is States.DataLimitExceeded, like every payload quota.
 */
export function checkAssignSize(assigned: Readonly<Record<string, unknown>>, field = 'Assign'): void {
  let total = 0;
  for (const [name, value] of Object.entries(assigned)) {
    const size = payloadSizeBytes(value);
    if (size > MAX_PAYLOAD_BYTES) {
      throw new StatesError(
        StatesErrorNames.DataLimitExceeded,
        `The variable '${name}' assigned in ${field} has a size of ${size} bytes, exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`,
      );
    }
    total += size;
  }
  if (total > MAX_PAYLOAD_BYTES) {
    throw new StatesError(
      StatesErrorNames.DataLimitExceeded,
      `The variables assigned in ${field} have a combined size of ${total} bytes, exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`,
    );
  }
}
