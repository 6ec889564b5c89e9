// The batch page as a county clerk reads it (functions/presentation/pages/batch.tsx): a page of tasks at a
// time, what it leaves out counted in plain words, and no more hidden task fields than the page lists; and its
// e-mail, which names a bounded number of the pilots.
import { describe, expect, it } from 'vitest';
import { BATCH_PAGE_SIZE } from '#domain/batch-page.ts';
import { BATCH_EMAIL_PILOTS, renderBatchEmail } from '#presentation/email/task-email.ts';
import { batchPage } from '#presentation/pages/batch.tsx';
import { batchItem, batchState } from '#test/fixtures/batch.ts';
import { samplePlan } from '#test/fixtures/plans.ts';

const ctx = { now: new Date('2023-01-02T00:00:00Z') };
const open = (n: number, from = 0) => Array.from({ length: n }, (_, i) => batchItem(from + i));
const taskFields = (html: string) => html.match(/name="t\.[^"]+"/g)?.length ?? 0;
const rows = (html: string) => html.match(/<li class="item">/g)?.length ?? 0;

describe('the batch page', () => {
  it('lists a small batch whole and says nothing of more', () => {
    const { html } = batchPage(batchState([...open(5), batchItem(9, 'decided')]), ctx);
    expect([rows(html), taskFields(html)]).toEqual([6, 5]);
    expect(html).not.toContain('还有');
    expect(html).not.toContain('不再逐项列出');
  });

  it('lists one page of a large batch, says how many follow and that "全部确认" confirms this page only', () => {
    const done = Array.from({ length: 20 }, (_, i) => batchItem(500 + i, 'decided'));
    const { status, html } = batchPage(batchState([...done, ...open(BATCH_PAGE_SIZE + 940)]), ctx);
    expect(status).toBe(200);
    expect([rows(html), taskFields(html)]).toEqual([BATCH_PAGE_SIZE, BATCH_PAGE_SIZE]);
    expect(html).toContain(`以下 ${BATCH_PAGE_SIZE + 960} 个试点的这项任务都请您办理`);
    expect(html).toContain('还有 940 项待确认，确认本页后显示下一批。');
    expect(html).toContain(`“全部确认”只确认本页列出的 ${BATCH_PAGE_SIZE} 项。`);
    expect(html).toContain('已办理或已关闭的 20 项不再逐项列出。');
  });

  it('lists nothing of a large batch that is all done: it says so and counts them', () => {
    const done = Array.from({ length: BATCH_PAGE_SIZE + 1 }, (_, i) => batchItem(i, 'decided'));
    const { html } = batchPage(batchState(done), ctx);
    expect(html).not.toContain('<ol');
    expect(html).toContain(`已办理或已关闭的 ${BATCH_PAGE_SIZE + 1} 项不再逐项列出。`);
    expect(html).toContain('这些任务都已办理完毕，无需再办理。');
    expect(html).not.toContain('全部确认');
  });

  it('names the first ten pilots whose task has not opened and counts the rest', () => {
    const [model] = samplePlan().pilots;
    const waiting = Array.from({ length: 12 }, (_, i) => ({ ...model!, id: `p${i}`, name: `第${i + 1}村` }));
    const { html } = batchPage(batchState(open(1), waiting), ctx);
    expect(html).toContain(
      '第1村、第2村、第3村、第4村、第5村、第6村、第7村、第8村、第9村、第10村等 12 个试点。',
    );
    expect(html).not.toContain('第11村');
  });
});

describe('the batch e-mail', () => {
  const mail = (pilots: number) =>
    renderBatchEmail({
      plan: samplePlan(),
      kind: 'acknowledgement',
      dueAt: '2023-01-05T09:30:00.000Z',
      assignee: { name: '陈静', email: 'caizheng@xx-county.example', unitId: 'finance' },
      pilotIds: Array.from({ length: pilots }, (_, i) => `pilot-${String(i + 1).padStart(4, '0')}`),
      url: 'https://api.xx-county.example/b/TICKET?sig=KKKKKKKK.mac',
      linkExpiresAt: '2023-01-12T09:30:00.000Z',
    });

  it(`names at most ${BATCH_EMAIL_PILOTS} pilots and counts the rest, which its page lists`, () => {
    const { subject, text } = mail(BATCH_EMAIL_PILOTS + 980);
    expect(subject).toContain(`（${BATCH_EMAIL_PILOTS + 980} 个试点）`);
    expect(text).toContain(`pilot-${String(BATCH_EMAIL_PILOTS).padStart(4, '0')}`);
    expect(text).not.toContain(`pilot-${String(BATCH_EMAIL_PILOTS + 1).padStart(4, '0')}`);
    expect(text).toContain('另有 980 个试点，打开任务清单可以看到全部。');
  });

  it('names every pilot of a batch that fits', () => {
    const { text } = mail(BATCH_EMAIL_PILOTS);
    expect(text).toContain(`pilot-${String(BATCH_EMAIL_PILOTS).padStart(4, '0')}`);
    expect(text).not.toContain('另有');
  });
});
