// The local SES keeps what it accepted: each e-mail is on disk before SES answers the send, so a process
// killed right after a send loses nothing; older data directories keep their mail.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, test, vi } from 'vitest';
import { Mailbox } from '#local/cloud/mailbox.ts';
import { startSes } from '#local/cloud/ses.ts';
import { freePort } from '#local/ports.ts';
import { tempDataDir } from '#test/support/local-cloud.ts';

const SENDER = fileURLToPath(new URL('../fixtures/ses/send-and-wait.ts', import.meta.url));

/** Runs the sender on `dataDir`, SIGKILLs it the moment it reports the send, and returns the message id. */
function sendAndKill(dataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SENDER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const id = /sent (\S+)/.exec(output)?.[1];
      if (id) {
        child.kill('SIGKILL');
        child.once('exit', () => resolve(id));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the sender exited (${code}) before sending:\n${output}`));
    });
  });
}

describe('the local SES', () => {
  test('keeps an e-mail it accepted when its process is killed right after the send', async () => {
    const dataDir = tempDataDir();
    const messageId = await sendAndKill(dataDir);

    const ses = await startSes({ port: await freePort(), dataDir });
    try {
      const mail = await new Mailbox(ses.url).list();
      expect(mail.map((m) => m.id)).toEqual([messageId]);
      expect(mail[0]?.subject).toBe('试点自查');
    } finally {
      await ses.close();
    }
  }, 60_000);

  test('gives every e-mail its own message ID, even where Math.random repeats itself', async () => {
    // aws-ses-v2-local's own IDs come from Math.random (ses- and nine digits): two of a 1,000-pilot
    // rehearsal's e-mails once shared one, and the driver never read the second.
    const ses = await startSes({ port: await freePort(), dataDir: tempDataDir() });
    const client = new SESv2Client({
      endpoint: ses.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const ids: string[] = [];
      for (const subject of ['县级验收', '乡镇初评']) {
        const out = await client.send(
          new SendEmailCommand({
            FromEmailAddress: 'pilotflow@xx-county.example',
            Destination: { ToAddresses: ['zuzhibu@xx-county.example'] },
            Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: subject } } } },
          }),
        );
        ids.push(out.MessageId ?? '');
      }
      expect(new Set(ids).size).toBe(2);
      const mail = await new Mailbox(ses.url).list();
      expect(mail.map((m) => m.id)).toEqual(ids);
      expect(mail.map((m) => m.subject)).toEqual(['县级验收', '乡镇初评']);
    } finally {
      random.mockRestore();
      client.destroy();
      await ses.close();
    }
  });

  test('takes over the mail of a data directory written before the append-only file, once', async () => {
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, 'ses'), { recursive: true });
    const stored = {
      messageId: 'legacy-1',
      from: 'pilotflow@xx-county.example',
      destination: { to: ['minzheng@xx-county.example'] },
      subject: '动员大会',
      body: { text: 'notice' },
      at: 1_700_000_000,
    };
    writeFileSync(join(dataDir, 'ses', 'emails.json'), JSON.stringify([stored]));

    for (let start = 1; start <= 2; start++) {
      const ses = await startSes({ port: await freePort(), dataDir });
      try {
        expect((await new Mailbox(ses.url).list()).map((m) => m.id)).toEqual(['legacy-1']);
      } finally {
        await ses.close();
      }
    }
    expect(existsSync(join(dataDir, 'ses', 'emails.json'))).toBe(false);
  });

  test('answers a mailbox poll with only the mail received since the time asked for', async () => {
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, 'ses'), { recursive: true });
    const mail = (id: string, at: number) =>
      JSON.stringify({
        messageId: id,
        from: 'a@x.example',
        destination: { to: ['b@x.example'] },
        subject: id,
        body: { text: id },
        at,
      });
    writeFileSync(
      join(dataDir, 'ses', 'emails.jsonl'),
      `${mail('old', 1_700_000_000)}\n${mail('new', 1_700_000_100)}\n`,
    );
    const ses = await startSes({ port: await freePort(), dataDir });
    try {
      const fresh = await new Mailbox(ses.url).list({ since: new Date(1_700_000_050_000) });
      expect(fresh.map((m) => m.id)).toEqual(['new']);
    } finally {
      await ses.close();
    }
  });

  test("dates each mail with the local cloud's clock, across a restart, and keeps that time out of /store", async () => {
    const dataDir = tempDataDir();
    const accepted = Date.parse('2023-01-03T01:00:00Z');
    const first = await startSes({ port: await freePort(), dataDir, clock: { now: () => accepted } });
    const ses = new SESv2Client({
      endpoint: first.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'pilotflow@xx-county.example',
          Destination: { ToAddresses: ['minzheng@xx-county.example'] },
          Content: { Simple: { Subject: { Data: '试点自查' }, Body: { Text: { Data: '请自查' } } } },
        }),
      );
    } finally {
      ses.destroy();
      await first.close();
    }
    expect(JSON.parse(readFileSync(join(dataDir, 'ses', 'emails.jsonl'), 'utf8')).clockAt).toBe(
      '2023-01-03T01:00:00.000Z',
    );

    const again = await startSes({ port: await freePort(), dataDir });
    try {
      const page = await (await fetch(`${again.url}/?to=minzheng%40xx-county.example`)).text();
      const store = (await (await fetch(`${again.url}/store`)).json()) as { emails: object[] };
      expect(page).toContain('<time>2023年1月3日（星期二）09:00</time>');
      expect(store.emails.map((e) => Object.keys(e))).toEqual([
        ['messageId', 'from', 'replyTo', 'destination', 'subject', 'body', 'attachments', 'at'],
      ]);
    } finally {
      await again.close();
    }
  });
});
