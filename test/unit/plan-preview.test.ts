// The pure parts of launching a plan from the dashboard: who a launch mails (from the pieces the launch runs),
// the preview built on it, the uploaded file read as `pilotflow validate` reads one, and the upload's body.
import { describe, expect, it } from 'vitest';
import { launchMail } from '#domain/launch-mail.ts';
import { mobilisationRecipients } from '#domain/notices.ts';
import { MAX_PLAN_UPLOAD_BYTES, readUploadedPlan } from '#domain/plan-upload.ts';
import { programmeInput } from '#domain/workflow-input.ts';
import { MAX_MULTIPART_BYTES, readMultipartBody } from '#lib/multipart-body.ts';
import { planPreview } from '#presentation/dashboard/plan-preview.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { readProjectFile, SAMPLE_FILE, samplePlan } from '#test/fixtures/plans.ts';

const plan = samplePlan();
const emailsOf = (unitId: string) =>
  plan.units.find((u) => u.id === unitId)?.contacts.map((c) => c.email) ?? [];

describe('who a launch mails', () => {
  const mail = launchMail(plan);
  const of = (email: string) => mail.recipients.find((r) => r.email === email);

  it('goes out when the launch window opens', () => {
    expect(mail.at).toBe(programmeInput(plan).schedule.launchStart);
  });

  it('sends each unit’s contacts the mobilisation notice once, however many pilots launch', () => {
    const units = new Set(
      plan.pilots.flatMap((p) => mobilisationRecipients(plan, p.id)).map((r) => r.party.id),
    );
    for (const email of emailsOf(plan.stages.launch.leadUnit)) {
      expect(of(email)?.notices).toEqual([plan.stages.launch.leadUnit]);
    }
    for (const unitId of plan.stages.launch.participantUnits) {
      for (const email of emailsOf(unitId)) expect(of(email)?.notices).toContain(unitId);
    }
    expect(units.size).toBe(
      new Set([...plan.stages.launch.participantUnits, plan.stages.launch.leadUnit]).size +
        plan.pilots.length,
    );
  });

  it('asks each acknowledging unit’s contact once for all pilots, and each pilot’s contacts for their pilot', () => {
    const allPilots = plan.pilots.map((p) => p.id);
    for (const unitId of programmeInput(plan).acknowledgers) {
      for (const email of emailsOf(unitId)) {
        expect(of(email)?.acknowledges).toEqual(allPilots);
        expect(of(email)?.requests).toBe(1);
      }
    }
    for (const pilot of plan.pilots) {
      for (const contact of pilot.contacts) {
        expect(of(contact.email)?.notices).toContain(pilot.id);
        expect(of(contact.email)?.acknowledges).toEqual([pilot.id]);
      }
    }
  });

  it('counts one e-mail per notice and per request, and lists each person once', () => {
    const emails = mail.recipients.reduce((n, r) => n + r.notices.length + r.requests, 0);
    expect(mail.emails).toBe(emails);
    expect(new Set(mail.recipients.map((r) => r.email.toLowerCase())).size).toBe(mail.recipients.length);
    // Nobody gets more than the notice and one request for a unit (issue 18: one e-mail per person and step).
    for (const r of mail.recipients) expect(r.notices.length + r.requests).toBeLessThanOrEqual(2);
  });
});

describe('the preview of an uploaded plan', () => {
  const view = planPreview(plan, { sha256: 'a'.repeat(64), source: 'sample.yaml' }, 'none', emailTexts);

  it('lists the pilots, the units and the three stage windows in order', () => {
    expect(view.pilots.map((p) => p.pilotId)).toEqual(plan.pilots.map((p) => p.id));
    expect(view.units).toHaveLength(plan.units.length);
    expect(view.stages.map((s) => s.stage)).toEqual(['launch', 'implementation', 'evaluation']);
    for (const s of view.stages) expect(Date.parse(s.start)).toBeLessThan(Date.parse(s.end));
    expect(view.pilots.find((p) => p.pilotId === 'gucheng')?.town?.zh).toBe('XX镇');
  });

  it('names who is mailed by unit and pilot names, with the notice’s own subject', () => {
    const lead = plan.units.find((u) => u.id === plan.programme.leadUnit);
    expect(view.mail.noticeSubject).toBe(
      emailTexts.mobilisationNotice(plan, lead!, plan.pilots.length).subject,
    );
    const civil = view.mail.recipients.find((r) => r.email === 'minzheng@xx-county.example');
    expect(civil?.party.zh).toBe('县民政局');
    expect(civil?.notices.map((n) => n.zh)).toEqual(['县民政局']);
    expect(view.mail.emails).toBe(launchMail(plan).emails);
  });

  it('carries what the launch had before', () => {
    expect(planPreview(plan, { sha256: 'b'.repeat(64), source: 'x' }, 'same', emailTexts).prior).toBe('same');
  });
});

describe('an uploaded plan file', () => {
  const sample = readProjectFile(SAMPLE_FILE);
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('is refused without a file, above the size limit, or when it is not UTF-8 text', () => {
    expect(readUploadedPlan(undefined, 'x.yaml')).toEqual({ ok: false, refused: 'missing' });
    expect(readUploadedPlan(new Uint8Array(), 'x.yaml')).toEqual({ ok: false, refused: 'missing' });
    expect(readUploadedPlan(new Uint8Array(MAX_PLAN_UPLOAD_BYTES + 1).fill(0x61), 'x.yaml')).toEqual({
      ok: false,
      refused: 'too-large',
    });
    expect(readUploadedPlan(Uint8Array.from([0x70, 0xff, 0xfe]), 'x.yaml')).toEqual({
      ok: false,
      refused: 'not-text',
    });
  });

  it('with problems gives each with its path and line, in Chinese for a zh-CN plan', () => {
    const broken = sample.replace('minzheng@xx-county.example', 'minzheng-at-xx-county');
    const line = broken.split('\n').findIndex((l) => l.includes('minzheng-at-xx-county')) + 1;
    const read = readUploadedPlan(bytes(broken), 'broken.yaml');
    expect(read.ok).toBe(false);
    if (read.ok || 'refused' in read) throw new Error('expected problems');
    expect(read.parsed.locale).toBe('zh-CN');
    expect(read.parsed.problems).toEqual([
      expect.objectContaining({ path: 'units[0].contacts[0].email', line, zh: '不是电子邮箱地址' }),
    ]);
  });

  it('that is valid comes back with its text, to be stored under its hash', () => {
    const read = readUploadedPlan(bytes(sample), 'sample.yaml');
    expect(read.ok && read.parsed.plan.programme.id).toBe(plan.programme.id);
    expect(read.ok && read.planYaml).toBe(sample);
  });
});

describe('the upload form’s body (multipart/form-data)', () => {
  async function encode(form: FormData) {
    const res = new Response(form);
    const contentType = res.headers.get('content-type') ?? '';
    const body = Buffer.from(await res.arrayBuffer()).toString('base64');
    return { body, isBase64Encoded: true, contentType };
  }

  it('gives the fields and the file’s name and bytes', async () => {
    const form = new FormData();
    form.append('csrf', 'token');
    form.append('plan', new Blob(['programme: 试点\n']), 'plan.yaml');
    const body = await readMultipartBody(await encode(form));
    expect(body.fields).toEqual({ csrf: 'token' });
    expect(body.files.plan?.name).toBe('plan.yaml');
    expect(new TextDecoder().decode(body.files.plan?.bytes)).toBe('programme: 试点\n');
  });

  it('refuses a field sent twice, a damaged body and one over the limit', async () => {
    const twice = new FormData();
    twice.append('csrf', 'a');
    twice.append('csrf', 'b');
    await expect(readMultipartBody(await encode(twice))).rejects.toThrow(/twice/);
    const damaged = await encode(new FormData());
    await expect(
      readMultipartBody({ ...damaged, body: Buffer.from('not a form').toString('base64') }),
    ).rejects.toMatchObject({ name: 'BodyError' });
    const big = new FormData();
    big.append('plan', new Blob([new Uint8Array(MAX_MULTIPART_BYTES + 1)]), 'big.yaml');
    await expect(readMultipartBody(await encode(big))).rejects.toMatchObject({
      name: 'PayloadTooLargeError',
    });
  });
});
