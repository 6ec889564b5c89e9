// The local mailbox's pages without a server: English for an `en` plan, names from the plan, newest first,
// and every text escaped.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type MailView, personPage, recipientsOf, recipientsPage } from '#local/cloud/mailbox-page.ts';
import { mailboxContextOf } from '#local/cloud/services/mail.ts';

const SAMPLE = fileURLToPath(new URL('../../plans/sample.yaml', import.meta.url));

function mail(id: string, at: string, subject: string, to = 'minzheng@xx-county.example'): MailView {
  return {
    id,
    from: 'pilotflow@xx-county.example',
    to: [to],
    cc: [],
    subject,
    html: '<p>x</p>',
    at: Date.parse(at),
    simulated: true,
  };
}

/** The sample plan as an `en` plan. */
function englishSample(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pilotflow-plan-')), 'plan.yaml');
  writeFileSync(file, readFileSync(SAMPLE, 'utf8').replace(/^ {2}locale: zh-CN$/m, '  locale: en'));
  return file;
}

describe('the mailbox pages', () => {
  test('are in English for an en plan, with the English names of the people and their units', async () => {
    const context = await mailboxContextOf(englishSample());
    const mails = [mail('a', '2023-01-03T01:00:00Z', 'Acknowledge the pilot tasks')];

    const html = recipientsPage(context, recipientsOf(mails, context), Date.parse('2023-01-03T02:00:00Z'));

    expect(context.locale).toBe('en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Recipients</h1>');
    expect(html).toContain(
      '<span class="name">Li Hua</span><span class="meta">XX County Civil Affairs Bureau · minzheng@xx-county.example',
    );
    expect(html).toContain('Latest: Tuesday 3 January 2023, 09:00');
    expect(html.replace(/<style[\s\S]*?<\/style>/, '')).not.toMatch(/\p{Script=Han}/u);
  });

  test("lists a person's mail newest first, mail of the same instant in the reverse of the order it came", async () => {
    const context = await mailboxContextOf(SAMPLE);
    const mails = [
      mail('first', '2023-01-01T00:00:00Z', '一'),
      mail('second', '2023-01-01T00:00:00Z', '二'),
      mail('later', '2023-01-02T00:00:00Z', '三'),
      mail('other', '2023-01-05T00:00:00Z', '四', 'zuzhibu@xx-county.example'),
    ];

    const [recipient] = recipientsOf(mails, context);

    expect(recipient?.address).toBe('minzheng@xx-county.example');
    expect(recipient?.mails.map((m) => m.id)).toEqual(['later', 'second', 'first']);
  });

  test('escapes what a mail says', async () => {
    const context = await mailboxContextOf(SAMPLE);
    const mails = [mail('a"><b>', '2023-01-01T00:00:00Z', '<img src=x onerror=alert(1)>', 'x@y.example')];
    const [recipient] = recipientsOf(mails, context);
    if (!recipient) throw new Error('no recipient');

    const html = personPage(context, recipient, [], Date.parse('2023-01-01T00:00:00Z'));

    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)>');
    expect(html).toContain('mail=a%22%3E%3Cb%3E');
  });
});
