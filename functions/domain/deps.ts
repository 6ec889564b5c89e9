// What the workflow handlers' domain code needs from the outside, passed in so that it is tested directly:
// the store, the clock, e-mail and its texts. Helpers that every handler uses: e-mail sent at most once per
// key, and audit events written once per key with deterministic ids.
import { createHash } from 'node:crypto';
import { TransientError } from '#lib/errors.ts';
import { appendAuditOnce, auditOnceWrites, type NewAuditEvent } from '#store/audit.ts';
import { finishLease, finishLeaseWith, releaseLease, takeLease } from '#store/once.ts';
import type { Store } from '#store/store.ts';
import type { Email, Texts } from './mail.ts';

export { loadPlan } from './plans.ts';

export interface Deps {
  store: Store;
  /** The time now: the local cloud's clock in its workers, real time on AWS. */
  now: () => Date;
  sendEmail: (email: Email) => Promise<string>;
  /** The words of every e-mail and stored title (functions/presentation/email/texts.ts). */
  texts: Texts;
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
export async function sendOnce(
  deps: Pick<Deps, 'store' | 'now' | 'sendEmail'>,
  scope: string,
  id: string,
  email: Email | (() => Promise<Email | undefined>),
  /**
   * The audit event of the sending, written once per `key` as auditOnce writes it. Written in the request that
   * marks the e-mail sent (one request instead of two), or after it when that one is refused.
   */
  audit?: { key: string; event: (at: string) => Omit<NewAuditEvent, 'eventId'> },
): Promise<boolean> {
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
    // An e-mail made under the lease (the daily digest: what it carries is read while no other run can send it);
    // nothing to send gives the lease back, so a later run may still send one for the key.
    const made = typeof email === 'function' ? await email() : email;
    if (!made) {
      await releaseLease(deps.store, scope, id, lease.leaseId);
      return false;
    }
    await deps.sendEmail(made);
  } catch (error) {
    await releaseLease(deps.store, scope, id, lease.leaseId);
    throw error;
  }
  const at = deps.now().toISOString();
  if (!audit) {
    await finishLease(deps.store, scope, id, lease.leaseId, at);
    return true;
  }
  const event = auditEvent(audit.key, audit.event(at));
  const claim = { scope: 'audit', id: event.eventId };
  const writes = auditOnceWrites(deps.store, event, claim);
  // Any failure of the one request (the lease lost to a slower run, the event written already, an error) leaves
  // both to be written one by one, as without `audit`: an e-mail sent is marked sent whatever its event does.
  const together = await finishLeaseWith(deps.store, scope, id, lease.leaseId, at, writes).catch(() => false);
  if (!together) {
    await finishLease(deps.store, scope, id, lease.leaseId, at);
    await appendAuditOnce(deps.store, event, claim);
  }
  return true;
}

function auditEvent(key: string, event: Omit<NewAuditEvent, 'eventId'>): NewAuditEvent & { eventId: string } {
  return { ...event, eventId: stableId(event.action, key) };
}

/**
 * Appends an audit event once per `key`: a retried handler has a later clock, so the event's own key would
 * differ; a claim on the key is written in the same transaction and refuses the second event.
 */
export async function auditOnce(
  deps: Pick<Deps, 'store'>,
  key: string,
  event: Omit<NewAuditEvent, 'eventId'>,
): Promise<boolean> {
  const full = auditEvent(key, event);
  return appendAuditOnce(deps.store, full, { scope: 'audit', id: full.eventId });
}
