// How the rehearsal's officials read an approval page: its facts, quoted texts and the form they post.
import { describe, expect, test } from 'vitest';
import { BATCH_PAGE_SIZE } from '#domain/batch-page.ts';
import { parseTaskPage } from '#local/rehearsal/page.ts';
import { batchPage } from '#presentation/pages/batch.tsx';
import { batchItem, batchState } from '#test/fixtures/batch.ts';
import { samplePlan } from '#test/fixtures/plans.ts';

const URL_OF_PAGE = 'http://localhost:3000/a/abcdefghijklmnopqrstuvwx?sig=s';

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><style>h1 { color: red }</style><script>var h1 = "<h1>no</h1>";</script></head>
<body><main>
<h1>审核实施方案 &lt;第 2 轮&gt;</h1>
<dl><dt>试点</dt><dd>XX镇古城社区</dd><dt>轮次</dt><dd>第 2 轮</dd></dl>
<h2>发现的问题</h2><blockquote>经费&mdash;不足 &amp; 台账缺失</blockquote>
<form method="post" action="/a/abcdefghijklmnopqrstuvwx">
  <input type="hidden" name="formToken" value="t&amp;1">
  <label for="f-summary">摘要 <span class="req">（必填）</span></label>
  <textarea id="f-summary" name="f.summary"></textarea>
  <label for="f-score">得分<span class="opt">（选填）</span></label>
  <input id="f-score" class="score" type="number" name="f.score.party">
  <fieldset id="f-ok"><legend>是否合格</legend>
    <input type="radio" name="f.ok" value="yes"><input type="radio" name="f.ok" value="no">
  </fieldset>
  <input type="text" name="f.old" disabled>
  <button type="submit" name="decision" value="approve">同意</button>
  <button type="submit" name="decision" value="return" disabled>退回</button>
</form>
</main></body></html>`;

describe('an approval page as the rehearsal reads it', () => {
  const page = parseTaskPage(PAGE, URL_OF_PAGE, 200);

  test('gives the title, the facts and the quoted texts, with every entity decoded', () => {
    expect(page.lang).toBe('zh-CN');
    expect(page.title).toBe('审核实施方案 <第 2 轮>');
    expect(page.facts).toEqual({ 试点: 'XX镇古城社区', 轮次: '第 2 轮' });
    expect(page.quotes).toEqual({ 发现的问题: '经费—不足 & 台账缺失' });
  });

  test('gives the form’s action, hidden inputs, enabled fields with their labels, and enabled buttons', () => {
    expect(page.form).toEqual({
      action: 'http://localhost:3000/a/abcdefghijklmnopqrstuvwx',
      method: 'POST',
      hidden: { formToken: 't&1' },
      fields: [
        { name: 'f.summary', kind: 'textarea', label: '摘要' },
        { name: 'f.score.party', kind: 'score', label: '得分' },
        { name: 'f.ok', kind: 'yesno', label: '是否合格', options: ['yes', 'no'] },
      ],
      buttons: [{ name: 'decision', value: 'approve', label: '同意' }],
    });
  });
});

describe('an approval page with an upload form, as the rehearsal reads it', () => {
  const page = parseTaskPage(
    `<!doctype html><html lang="zh-CN"><body><main><h1>提交实施方案</h1>
<div class="uploads"><section class="field upload-field" id="f-document"><h2 class="label">实施方案文件</h2>
<ul class="files" id="f-document-files"><li><span class="name">方案.pdf</span> <span class="size">1.2 MB</span>
<form method="post" action="?sig=s" class="remove"><input type="hidden" name="token" value="t">
<input type="hidden" name="remove" value="evidence/p/x/t/document/u/方案.pdf"><button type="submit" class="btn-remove">删除</button></form></li></ul>
<form class="upload" method="post" action="http://127.0.0.1:4569/bucket" enctype="multipart/form-data">
  <input type="hidden" name="key" value="evidence/p/x/t/document/u/\${filename}">
  <input type="hidden" name="Policy" value="cA==">
  <label for="f-document-file">选择文件</label>
  <input type="file" id="f-document-file" name="file" accept="image/*,.pdf">
  <button type="submit" class="btn-upload">上传</button>
</form></section></div>
<form method="post" action="?sig=s"><input type="hidden" name="token" value="t">
  <label for="f-summary">摘要</label><textarea id="f-summary" name="f.summary"></textarea>
  <button type="submit" name="decision" value="approve">提交</button>
</form></main></body></html>`,
    URL_OF_PAGE,
    200,
  );

  test('gives each upload form apart from the decision’s form, with its policy fields in order; a file’s 删除 form is neither', () => {
    expect(page.uploads).toEqual([
      {
        field: 'document',
        action: 'http://127.0.0.1:4569/bucket',
        hidden: [
          ['key', `evidence/p/x/t/document/u/\${filename}`],
          ['Policy', 'cA=='],
        ],
        fileName: 'file',
        accept: 'image/*,.pdf',
      },
    ]);
    expect(page.files).toEqual({ document: ['方案.pdf'] });
    expect(page.form?.hidden).toEqual({ token: 't' });
    expect(page.form?.fields.map((f) => f.name)).toEqual(['f.summary']);
    expect(page.form?.buttons).toEqual([{ name: 'decision', value: 'approve', label: '提交' }]);
  });
});

describe('a batch page of more tasks than it lists, as the rehearsal reads it', () => {
  const all = Array.from({ length: BATCH_PAGE_SIZE + 7 }, (_, i) => batchItem(i));
  const { html } = batchPage(batchState(all), { now: new Date('2023-01-02T00:00:00Z') });
  const page = parseTaskPage(html, 'http://localhost:3000/b/x?sig=s', 200);

  test('gives how many more are open, one task link and one hidden field per listed task, and "全部确认"', () => {
    expect(page.more).toBe(7);
    expect(page.links.filter((l) => l.includes('/a/'))).toHaveLength(BATCH_PAGE_SIZE);
    expect(Object.keys(page.form?.hidden ?? {}).filter((k) => k.startsWith('t.'))).toHaveLength(
      BATCH_PAGE_SIZE,
    );
    expect(page.form?.buttons.filter((b) => b.name === 'decision')).toEqual([
      { name: 'decision', value: 'approve', label: '全部确认' },
    ]);
  });
});

describe('a batch page whose listed tasks are done while one pilot’s task has not started', () => {
  const [model] = samplePlan().pilots;
  const waiting = [{ ...model!, id: 'late', name: '后开始社区' }];
  const { html } = batchPage(batchState([batchItem(0, 'decided')], waiting), {
    now: new Date('2023-01-02T00:00:00Z'),
  });
  const page = parseTaskPage(html, 'http://localhost:3000/b/x?sig=s', 200);

  test('tells the clerk to come back rather than that nothing is left, and the rehearsal reads how many wait', () => {
    expect(html).toContain('以下试点的这项任务尚未开始，开始后会显示在本页：后开始社区。');
    expect(html).toContain('已开始的任务都已办理完毕。其余试点的任务开始后，请再打开本链接办理。');
    expect(html).not.toContain('无需再办理');
    expect(page.waiting).toBe(1);
    expect(page.links.filter((l) => l.includes('/a/'))).toHaveLength(0);
  });

  test('a page with nobody waiting says so with no count', () => {
    const done = batchPage(batchState([batchItem(0, 'decided')]), { now: new Date('2023-01-02T00:00:00Z') });
    expect(done.html).toContain('这些任务都已办理完毕，无需再办理。');
    expect(parseTaskPage(done.html, 'http://localhost:3000/b/x?sig=s', 200).waiting).toBeUndefined();
  });
});
