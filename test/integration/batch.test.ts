// Batching at the open-task handler, against DynamoDB Local and the local SES: the tasks one person gets for
// several pilots at one scheduled moment are announced by one e-mail, however they race; a task that stands
// alone keeps its own e-mail. Which pilots have reached a stage is read once per batch e-mail, not per task.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeBatchTicket } from '#domain/batch.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { listLinksOfTask } from '#store/links.ts';
import { listPilotStandings, recordStage } from '#store/pilots.ts';
import { samplePlan } from '#test/fixtures/plans.ts';
import { type HandlerEnv, startHandlerEnv, storeLaunchedProgramme } from '#test/support/handlers.ts';

// The real store function, watched: how often open-task reads every pilot of the programme.
vi.mock('#store/pilots.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('#store/pilots.ts')>();
  return { ...actual, listPilotStandings: vi.fn(actual.listPilotStandings) };
});

const plan = samplePlan();
const PROGRAMME = plan.programme.id;
/** The launch window opens on 1 January 2023: the acknowledgements of every pilot open then. */
const LAUNCH = new Date('2023-01-01T00:00:05Z');
const FINANCE = 'caizheng@xx-county.example';

let env: HandlerEnv;

beforeAll(async () => {
  env = await startHandlerEnv();
  await storeLaunchedProgramme(env.store, plan);
});

afterEach(() => {
  vi.useRealTimers();
  vi.mocked(listPilotStandings).mockClear();
});

afterAll(async () => {
  await env?.close();
});

function acknowledgement(pilotId: string, assignee: string, overrides: Record<string, unknown> = {}) {
  return {
    taskToken: `token-${randomUUID()}`,
    taskId: randomUUID(),
    programmeId: PROGRAMME,
    pilotId,
    stage: 'launch',
    kind: 'acknowledgement',
    step: 'Acknowledge receipt',
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Launch:${pilotId}-launch`,
    round: 1,
    assignee,
    ...overrides,
  };
}

const mailTo = async (address: string, since: number) =>
  (await env.mail()).slice(since).filter((m) => m.to.includes(address));

describe('open-task batching', () => {
  it('sends one e-mail for six pilots opened at once, whichever task claims the batch', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(LAUNCH);
    const before = (await env.mail()).length;
    const events = plan.pilots.map((p) => acknowledgement(p.id, 'finance'));
    const results = await Promise.all(events.map((e) => env.invoke<{ emailsSent: number }>('open-task', e)));
    expect(results.map((r) => r.emailsSent).reduce((a, b) => a + b, 0)).toBe(1);
    const mails = await mailTo(FINANCE, before);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toContain('6 个试点');
    const url = mail?.text.match(/https:\/\/api\.xx-county\.example\/b\/(\S+)\?sig=\S+/);
    expect(url).not.toBeNull();
    expect(decodeBatchTicket(url?.[1] ?? '')).toMatchObject({ kind: 'acknowledgement', assignee: 'finance' });
    // Every task still has its own link, for the batch page to decide through, and says how it was announced.
    const actions: string[] = [];
    for (const e of events) {
      expect(await listLinksOfTask(env.store, e.taskId)).toHaveLength(1);
      actions.push(...(await listAuditOfTask(env.store, e.taskId)).map((a) => a.action));
    }
    expect(actions.filter((a) => a === 'email.sent')).toHaveLength(1);
    expect(actions.filter((a) => a === 'email.batched')).toHaveLength(5);
    // Every pilot is in the launch stage from its start: nothing to read about the others.
    expect(listPilotStandings).not.toHaveBeenCalled();
  });

  it('sends nothing more when the tasks are opened again (Step Functions retries)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(LAUNCH);
    const events = plan.pilots.map((p) => acknowledgement(p.id, 'justice'));
    for (const e of events) await env.invoke('open-task', e);
    const before = (await env.mail()).length;
    await Promise.all(
      events.map((e) => env.invoke('open-task', { ...e, taskToken: `retry-${randomUUID()}` })),
    );
    expect((await env.mail()).length).toBe(before);
  });

  it("keeps one e-mail with the task's own link for a task that stands alone", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(LAUNCH);
    const before = (await env.mail()).length;
    await env.invoke('open-task', acknowledgement('gucheng', 'pilot'));
    const [own] = await mailTo('gucheng@xx-town.example', before);
    expect(own?.text).toMatch(/https:\/\/api\.xx-county\.example\/a\/[A-Za-z0-9_-]{24}\?sig=/);
    expect(own?.text).not.toContain('/b/');
  });

  it('does not batch on a day the plan schedules no such tasks (a pilot that fell behind)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2023-01-04T02:00:00Z'));
    const before = (await env.mail()).length;
    await env.invoke('open-task', acknowledgement('caotang', 'political-legal'));
    const mails = await mailTo('zhengfawei@xx-county.example', before);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toMatch(/\/a\/[A-Za-z0-9_-]{24}\?sig=/);
  });

  describe('supervision checks, batched among the pilots whose launch is done', () => {
    const INSPECTOR = 'minzheng@xx-county.example';
    const check = (pilotId: string) => ({
      ...acknowledgement(pilotId, 'inspector'),
      stage: 'implementation',
      kind: 'supervisionCheck',
      step: 'Carry out the supervision check',
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Implementation:${pilotId}-implementation`,
    });
    const launchDone = (pilotId: string) =>
      recordStage(env.store, PROGRAMME, pilotId, 'launch', {
        status: 'done',
        updatedAt: '2023-03-01T00:00:00Z',
      });

    it('e-mails a check alone when no other pilot has reached the implementation yet', async () => {
      await launchDone('gucheng');
      vi.useFakeTimers({ toFake: ['Date'] });
      // The sample's second check day: 15 April 2023 in Shanghai.
      vi.setSystemTime(new Date('2023-04-14T16:00:05Z'));
      const before = (await env.mail()).length;
      const event = check('gucheng');
      await env.invoke('open-task', event);
      const mails = await mailTo(INSPECTOR, before);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.text).toMatch(/\/a\/[A-Za-z0-9_-]{24}\?sig=/);
      expect(mails[0]?.text).not.toContain('/b/');
      // Its audit says so: sent on its own to both assignees, part of no batch.
      const sent = (await listAuditOfTask(env.store, event.taskId)).filter((a) => a.action === 'email.sent');
      expect(sent).toHaveLength(2);
      for (const a of sent) expect(a.details).not.toHaveProperty('batch');
    });

    it('names the pilots on track, and reads them once for the batch rather than once per task', async () => {
      await launchDone('xx-town');
      await launchDone('caotang');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2023-05-14T16:00:05Z'));
      const before = (await env.mail()).length;
      const events = ['xx-town', 'caotang', 'gucheng'].map(check);
      for (const e of events) await env.invoke('open-task', e);
      const mails = await mailTo(INSPECTOR, before);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toContain('3 个试点');
      expect(mails[0]?.text).toMatch(/\/b\/\S+\?sig=/);
      // Read by the first task (its two assignees' e-mails share the read); the later two find the e-mails sent.
      expect(listPilotStandings).toHaveBeenCalledTimes(1);
      const actions: string[] = [];
      for (const e of events)
        actions.push(...(await listAuditOfTask(env.store, e.taskId)).map((a) => a.action));
      expect(actions.filter((a) => a === 'email.sent')).toHaveLength(2);
      expect(actions.filter((a) => a === 'email.batched')).toHaveLength(4);
    });
  });
});
