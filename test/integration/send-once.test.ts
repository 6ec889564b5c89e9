// sendOnce against DynamoDB Local: one e-mail per key however many runs race for it, and none lost when a run
// fails or dies between taking the key and finishing (functions/domain/deps.ts, functions/store/once.ts).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditOnce, type Deps, sendOnce } from '#domain/deps.ts';
import type { Email } from '#domain/mail.ts';
import { TransientError } from '#lib/errors.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { claimOnce, LEASE_MS, takeLease } from '#store/once.ts';
import type { Store } from '#store/store.ts';
import { pastTheBusyWait } from '#test/support/busy-wait.ts';
import { freshStore } from '#test/support/store.ts';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

const T0 = new Date('2023-03-01T01:00:00.000Z');
const notice: Email = {
  to: ['caizheng@xx-county.example'],
  subject: '动员部署会议通知',
  text: '请参会。',
  html: '<p>请参会。</p>',
};

/** Deps whose mailbox is an array; `fail` makes the next send throw as SES would. */
function depsAt(now: Date, outbox: Email[], options: { fail?: boolean; slowMs?: number } = {}): Deps {
  return {
    store,
    now: () => now,
    texts: emailTexts,
    async sendEmail(email) {
      if (options.slowMs) await new Promise((resolve) => setTimeout(resolve, options.slowMs));
      if (options.fail) throw new TransientError('SES throttled the send');
      outbox.push(email);
      return `message-${outbox.length}`;
    },
  };
}

describe('sendOnce', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends once for a key and skips every later call', async () => {
    const outbox: Email[] = [];
    expect(await sendOnce(depsAt(T0, outbox), 'mobilisation', 'k1', notice)).toBe(true);
    expect(await sendOnce(depsAt(T0, outbox), 'mobilisation', 'k1', notice)).toBe(false);
    expect(outbox).toHaveLength(1);
  });

  it('sends one e-mail when ten runs race for one key; the others wait for it and find it sent', async () => {
    const outbox: Email[] = [];
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        sendOnce(depsAt(T0, outbox, { slowMs: 50 }), 'mobilisation', 'k2', notice),
      ),
    );
    expect(outbox).toHaveLength(1);
    expect(results.filter((sent) => sent)).toHaveLength(1);
    // The retries the workflows make afterwards send nothing more.
    expect(await sendOnce(depsAt(T0, outbox), 'mobilisation', 'k2', notice)).toBe(false);
    expect(outbox).toHaveLength(1);
  });

  it('gives the key back when the send fails, so the retry sends at once', async () => {
    const outbox: Email[] = [];
    await expect(sendOnce(depsAt(T0, outbox, { fail: true }), 'mobilisation', 'k3', notice)).rejects.toThrow(
      'SES throttled',
    );
    expect(await sendOnce(depsAt(T0, outbox), 'mobilisation', 'k3', notice)).toBe(true);
    expect(outbox).toHaveLength(1);
  });

  it('sends again after a run died holding the key, once its lease ran out, and not before', async () => {
    const outbox: Email[] = [];
    // A run took the lease and died before sending (or before marking the send done).
    expect((await takeLease(store, 'mobilisation', 'k4', T0)).kind).toBe('taken');
    // Before it runs out the run waits (a few seconds of real time, passed at once), then asks to be retried.
    const early = new Date(T0.getTime() + LEASE_MS - 1);
    await expect(
      pastTheBusyWait(() => sendOnce(depsAt(early, outbox), 'mobilisation', 'k4', notice)),
    ).rejects.toBeInstanceOf(TransientError);
    expect(outbox).toHaveLength(0);
    const late = new Date(T0.getTime() + LEASE_MS);
    expect(await sendOnce(depsAt(late, outbox), 'mobilisation', 'k4', notice)).toBe(true);
    expect(outbox).toHaveLength(1);
  });

  it('stops waiting for a busy key after a few seconds of real time while the Date clock stands still', async () => {
    // In a rehearsal the local cloud's clock, which `Date` reads inside its sandboxes, is paused while work
    // runs: a wait measured with Date.now() never ended, and open-task ran into its 30 s timeout instead.
    // Date stands still at T0 and only performance.now() moves (pastTheBusyWait): a wait measured by Date
    // never ends, and the test times out.
    const outbox: Email[] = [];
    expect((await takeLease(store, 'mobilisation', 'k6', T0)).kind).toBe('taken');
    await expect(
      pastTheBusyWait(() => sendOnce(depsAt(T0, outbox), 'mobilisation', 'k6', notice), { dateAt: T0 }),
    ).rejects.toBeInstanceOf(TransientError);
    expect(outbox).toHaveLength(0);
  }, 20_000);

  it('answers a refused lease from the refusal itself: done or busy until when, with no second request', async () => {
    const sent = vi.spyOn(store.db, 'send');
    try {
      expect((await takeLease(store, 'mobilisation', 'k7', T0)).kind).toBe('taken');
      expect(await takeLease(store, 'mobilisation', 'k7', new Date(T0.getTime() + 1000))).toEqual({
        kind: 'busy',
        until: new Date(T0.getTime() + LEASE_MS).toISOString(),
      });
      await claimOnce(store, 'mobilisation', 'k8', T0.toISOString());
      expect(await takeLease(store, 'mobilisation', 'k8', T0)).toEqual({ kind: 'done' });
      // One conditional put each (the claim's included): the refused ones read nothing after it.
      expect(sent.mock.calls.map(([command]) => command.constructor.name)).toEqual([
        'PutCommand',
        'PutCommand',
        'PutCommand',
        'PutCommand',
      ]);
    } finally {
      sent.mockRestore();
    }
  });

  const sentEvent = (taskId: string) => (at: string) => ({
    programmeId: 'prog',
    pilotId: 'gucheng',
    at,
    actor: 'system',
    action: 'email.sent',
    taskId,
    summary: 'Task e-mail sent',
  });

  it('writes the e-mail’s audit event once with the mark that it went, and neither again on a second call', async () => {
    const outbox: Email[] = [];
    const audit = { key: 'task-a#wang', event: sentEvent('task-a') };
    expect(await sendOnce(depsAt(T0, outbox), 'task-email', 'a1', notice, audit)).toBe(true);
    expect(await sendOnce(depsAt(T0, outbox), 'task-email', 'a1', notice, audit)).toBe(false);
    expect(outbox).toHaveLength(1);
    const events = await listAuditOfTask(store, 'task-a');
    expect(events.map((e) => [e.action, e.at])).toEqual([['email.sent', T0.toISOString()]]);
  });

  it('marks the e-mail sent even when its audit event was written before, and keeps that one event', async () => {
    const outbox: Email[] = [];
    await auditOnce({ store }, 'task-b#wang', sentEvent('task-b')(T0.toISOString()));
    const audit = { key: 'task-b#wang', event: sentEvent('task-b') };
    expect(await sendOnce(depsAt(T0, outbox), 'task-email', 'b1', notice, audit)).toBe(true);
    expect(await sendOnce(depsAt(T0, outbox), 'task-email', 'b1', notice, audit)).toBe(false);
    expect(outbox).toHaveLength(1);
    expect(await listAuditOfTask(store, 'task-b')).toHaveLength(1);
  });

  it('treats a key claimed before leases existed as sent', async () => {
    const outbox: Email[] = [];
    await claimOnce(store, 'mobilisation', 'k5', T0.toISOString());
    expect(await sendOnce(depsAt(T0, outbox), 'mobilisation', 'k5', notice)).toBe(false);
    expect(outbox).toHaveLength(0);
  });
});
