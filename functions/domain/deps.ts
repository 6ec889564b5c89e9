// What the workflow handlers' domain code needs from the outside, passed in so that it is tested directly:
// the store, the clock, e-mail. Helpers that every handler uses: the plan of a programme (cached: a launched
// plan never changes), e-mail sent at most once per key, and audit events with deterministic ids.
import { createHash } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Email } from '#email/send.ts';
import { NotFoundError, TransientError } from '#lib/errors.ts';
import type { Plan } from '#plan/schema.ts';
import { InvalidPlanError, validatePlan } from '#plan/validate.ts';
import { auditItem, type NewAuditEvent } from '#store/audit.ts';
import { CONDITION, keys } from '#store/keys.ts';
import { finishLease, releaseLease, takeLease } from '#store/once.ts';
import { getProgrammePlan } from '#store/programmes.ts';
import { isConditionFailure, type Store } from '#store/store.ts';

export interface Deps {
  store: Store;
  /** The time now: the local cloud's clock in its workers, real time on AWS. */
  now: () => Date;
  sendEmail: (email: Email) => Promise<string>;
}

const plans = new Map<string, Plan>();

/** The plan a programme was launched with. */
export async function loadPlan(store: Store, programmeId: string): Promise<Plan> {
  const key = `${store.table}\n${programmeId}`;
  const cached = plans.get(key);
  if (cached) return cached;
  const raw = await getProgrammePlan(store, programmeId);
  if (raw === undefined) throw new NotFoundError(`programme ${programmeId} was never launched`);
  const result = validatePlan(raw);
  if (!result.ok) throw new InvalidPlanError(`programme ${programmeId}`, result.problems);
  plans.set(key, result.plan);
  return result.plan;
}

/** A short stable id from parts (audit event ids, claim ids): the same parts always give the same id. */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 22);
}

/** How long (real time) a run waits for another run that holds an e-mail's lease before it gives up. */
const BUSY_WAIT_MS = 5_000;
const BUSY_POLL_MS = 100;

/**
 * Sends an e-mail unless one was sent for (scope, id) already. A lease on the key is taken before the send
 * and marked done after it (functions/store/once.ts): two concurrent runs for one key (two pilots' notices to
 * one unit contact) send once, and a crash between send and done sends again on retry once the lease runs
 * out (a rare duplicate) rather than never. While another run holds the lease, this one waits a few seconds
 * of real time for it to finish (a send takes milliseconds), and only then throws TransientError, which the
 * workflows retry (workflows/flow.ts). Real time is `performance.now()`: neither `deps.now()` nor `Date.now()`,
 * which in a local cloud's sandbox read its clock (local/cloud/lambda-worker.ts), and that clock stands still
 * in a rehearsal while anything runs, so a wait measured by it never ended (the handler timed out instead).
 */
export async function sendOnce(deps: Deps, scope: string, id: string, email: Email): Promise<boolean> {
  const giveUpAt = performance.now() + BUSY_WAIT_MS;
  let lease = await takeLease(deps.store, scope, id, deps.now());
  while (lease.kind === 'busy' && performance.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
    lease = await takeLease(deps.store, scope, id, deps.now());
  }
  if (lease.kind === 'done') return false;
  if (lease.kind === 'busy') {
    throw new TransientError(
      `another run is sending ${scope} e-mail ${id} (its lease runs until ${lease.until})`,
    );
  }
  try {
    await deps.sendEmail(email);
  } catch (error) {
    await releaseLease(deps.store, scope, id, lease.leaseId);
    throw error;
  }
  await finishLease(deps.store, scope, id, lease.leaseId, deps.now().toISOString());
  return true;
}

/**
 * Appends an audit event once per `key`: a retried handler has a later clock, so the event's own key would
 * differ; a claim on the key is written in the same transaction and refuses the second event.
 */
export async function auditOnce(
  deps: Deps,
  key: string,
  event: Omit<NewAuditEvent, 'eventId'>,
): Promise<boolean> {
  const eventId = stableId(event.action, key);
  try {
    await deps.store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: deps.store.table,
              Item: { ...keys.once('audit', eventId), claimedAt: event.at },
              ConditionExpression: CONDITION.isNew,
            },
          },
          { Put: { TableName: deps.store.table, Item: auditItem({ ...event, eventId }) } },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
