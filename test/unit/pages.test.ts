import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type FormSpec, FormSpecSchema } from '#domain/forms.ts';
import type {
  PageFrame,
  PageView,
  TaskSummary,
  UploadView,
} from '../../functions/presentation/pages/model.ts';
import { renderPage } from '../../functions/presentation/pages/render.tsx';
import { CSS_HASH, SECURITY_HEADERS } from '../../functions/presentation/pages/style.ts';
import { pageHeaders } from '../../functions/presentation/pages/uploads.tsx';

const frame: PageFrame = {
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  programme: { zh: '关于城乡社区治理试点工作方案', en: 'Community governance pilot programme' },
  contact: {
    unit: { zh: '县民政局', en: 'County Civil Affairs Bureau' },
    name: '王科长',
    phone: '0000-1234567',
  },
  sig: 'S'.repeat(43),
};

const task: TaskSummary = {
  title: { zh: '审核实施方案 <script>alert(1)</script>', en: 'Review the implementation plan' },
  instructions: { zh: '请审核古城社区的实施方案。', en: 'Please review the plan.' },
  pilot: { zh: 'XX镇古城社区', en: 'Gucheng Community' },
  stage: { zh: '组织实施', en: 'Implementation' },
  round: 2,
  dueAt: '2023-02-10T16:00:00.000Z',
  overdue: false,
  assignee: '王科长 (minzheng@xx-county.example)',
  facts: [],
  documents: [
    { label: { zh: '实施方案', en: 'Plan' }, url: 'https://docs.example/plan.pdf' },
    { label: { zh: '坏链接', en: 'Bad' }, url: 'javascript:alert(1)' },
  ],
  files: [],
  quotes: [{ label: { zh: '提交的内容', en: 'What was submitted' }, text: '第一行\n<第二行>' }],
  history: [
    {
      round: 1,
      title: { zh: '审核实施方案', en: 'Review' },
      outcome: { zh: '退回修改', en: 'Return for revision' },
      comment: '请补充 "<b>经费</b>" 部分',
      by: '王科长',
      at: '2023-02-03T02:00:00.000Z',
    },
  ],
};

const form: FormSpec = FormSpecSchema.parse({
  decisions: ['approve', 'return', 'reject'],
  fields: [
    { name: 'score.party', kind: 'score', label: { zh: '党组织作用', en: 'Party role' }, required: true },
    { name: 'document', kind: 'url', label: { zh: '文件链接', en: 'Document link' }, required: false },
    { name: 'problems', kind: 'yesno', label: { zh: '发现问题', en: 'Problems found' }, required: true },
  ],
});

const taskView = (overrides: Partial<Extract<PageView, { page: 'task' }>> = {}): PageView => ({
  page: 'task',
  frame,
  task,
  form,
  formToken: 'T'.repeat(43),
  ...overrides,
});

describe('the task page', () => {
  it('escapes task data, so a title or comment can never become markup', () => {
    const html = renderPage(taskView());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
  });

  it('carries only the stylesheet the Content-Security-Policy allows by hash, and no script or asset', () => {
    const html = renderPage(taskView());
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
    expect(styles).toHaveLength(1);
    const hash = `'sha256-${createHash('sha256')
      .update(styles[0] ?? '')
      .digest('base64')}'`;
    expect(hash).toBe(CSS_HASH);
    expect(SECURITY_HEADERS['Content-Security-Policy']).toContain(`style-src ${hash}`);
    expect(html).not.toMatch(/<script|<img|<link|<iframe| style=/);
  });

  it('posts a form with a form token, a comment and one submit button per decision', () => {
    const html = renderPage(taskView());
    expect(html).toMatch(
      /<form method="post" action="\?sig=S{43}&amp;lang=zh-CN" id="decision-form" novalidate>/,
    );
    expect(html).toContain(`<input type="hidden" name="token" value="${'T'.repeat(43)}"/>`);
    expect(html).toMatch(/<textarea id="comment" name="comment"/);
    for (const value of ['approve', 'return', 'reject']) {
      expect(html).toMatch(new RegExp(`<button type="submit" name="decision" value="${value}"`));
    }
  });

  it('says beside the buttons, in the page’s language, that the decision is recorded with the device’s network address and browser', () => {
    const zh = renderPage(taskView());
    expect(zh).toMatch(
      /<fieldset[^>]*aria-describedby="decision-note"[^>]*>[\s\S]*<span class="help" id="decision-note">提交的决定将连同本设备的网络地址和浏览器信息一并记录。<\/span>[\s\S]*<div class="actions">/,
    );
    const en = renderPage(taskView({ frame: { ...frame, locale: 'en' } }));
    expect(en).toContain(
      '<span class="help" id="decision-note">Your decision is recorded with this device’s network address and browser.</span>',
    );
  });

  it('makes its first submit button a disabled one, so Enter in a text box decides nothing', () => {
    const html = renderPage(taskView());
    const firstButton = html.match(/<button[^>]*>/)?.[0] ?? '';
    expect(firstButton).toContain('disabled');
    expect(firstButton).not.toContain('name="decision"');
  });

  it('labels every control', () => {
    const html = renderPage(taskView());
    const ids = [...html.matchAll(/<(?:input|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(html).toContain(`<label for="${id}"`);
    // Radio buttons are labelled by wrapping, in a fieldset with a legend.
    expect(html).toMatch(/<fieldset[^>]*id="f-problems"[^>]*><legend>发现问题/);
    expect(html).toMatch(/<label class="choice"><input type="radio" name="f.problems" value="yes"/);
  });

  it('links only web documents, never a javascript: URL', () => {
    const html = renderPage(taskView());
    expect(html).toContain('href="https://docs.example/plan.pdf"');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('坏链接');
  });

  it('shows the due date as a deadline with its weekday (a due date at midnight closes the day before), and the earlier rounds', () => {
    const html = renderPage(taskView());
    expect(html).toContain('2023年2月10日（星期五）24:00前');
    expect(renderPage(taskView({ task: { ...task, dueAt: '2023-02-10T09:30:00.000Z' } }))).toContain(
      '2023年2月10日（星期五）17:30前',
    );
    expect(html).toContain('第 1 轮 · 审核实施方案：退回修改');
  });

  it('re-renders what the official typed, with a message beside each wrong field and a summary', () => {
    const html = renderPage(
      taskView({
        input: {
          decision: 'approve',
          comment: '我的意见 <i>',
          values: { 'score.party': '120', problems: 'no' },
        },
        errors: { 'score.party': { zh: '请填写 0 到 100 之间的分数。', en: 'Enter a score from 0 to 100.' } },
      }),
    );
    expect(html).toMatch(/<div class="summary" role="alert"/);
    expect(html).toContain('<a href="#f-score.party">党组织作用：请填写 0 到 100 之间的分数。</a>');
    expect(html).toMatch(
      /id="f-score.party" name="f.score.party" aria-describedby="f-score.party-error" aria-invalid="true" autofocus/,
    );
    expect(html).toContain('value="120"');
    expect(html).toMatch(/value="no" checked/);
    expect(html).toContain('我的意见 &lt;i>');
  });

  it('asks for a comment only where a decision offered needs one', () => {
    const review = renderPage(taskView());
    expect(review).toContain('选择“退回修改”或“不同意”时必填，请写明原因。');
    const acknowledgement = renderPage(
      taskView({
        form: FormSpecSchema.parse({
          decisions: ['approve'],
          decisionLabels: { approve: { zh: '确认收到', en: 'Acknowledge receipt' } },
          commentRequiredFor: [],
          fields: [],
        }),
      }),
    );
    expect(acknowledgement).toContain('<label for="comment">意见<span class="opt">（可选）</span></label>');
    expect(acknowledgement).not.toContain('必填');
  });

  it('speaks English when the locale is en, and only English: no link to another language', () => {
    const html = renderPage(taskView({ frame: { ...frame, locale: 'en' } }));
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/);
    expect(html).toContain('by the end of Friday 10 February 2023');
    expect(html).toContain('>Approve</button>');
    expect(html).not.toContain('中文');
    expect(html).not.toContain('hreflang');
  });

  it('offers no other language to a Chinese page either, and names the site in Chinese', () => {
    const html = renderPage(taskView());
    expect(html).not.toContain('English');
    expect(html).not.toContain('PilotFlow');
  });
});

describe('the task page with evidence files', () => {
  const post = {
    url: 'http://127.0.0.1:4569/evidence-bucket',
    fields: {
      key: `evidence/p/gucheng/t1/document/ab12/\${filename}`,
      Policy: 'cG9saWN5',
      'X-Amz-Signature': 'abc',
    },
  };
  const uploads: UploadView[] = [
    {
      field: 'document',
      label: { zh: '实施方案文件', en: 'The implementation plan document' },
      required: true,
      post,
      files: [{ name: '实施方案.docx', size: 2_345_678 }],
    },
  ];
  const withFiles = (overrides: Partial<Extract<PageView, { page: 'task' }>> = {}) =>
    taskView({
      form: FormSpecSchema.parse({
        decisions: ['approve'],
        fields: [{ name: 'document', kind: 'files', label: uploads[0]!.label, required: true }],
      }),
      uploads,
      ...overrides,
    });

  it('posts each file straight to the bucket: the policy’s fields first, the file last, photos, PDF and Office accepted', () => {
    const html = renderPage(withFiles());
    const upload = html.match(/<form class="upload"[\s\S]*?<\/form>/)?.[0] ?? '';
    expect(upload).toContain(
      'method="post" action="http://127.0.0.1:4569/evidence-bucket" enctype="multipart/form-data"',
    );
    const names = [...upload.matchAll(/<input[^>]*name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['key', 'Policy', 'X-Amz-Signature', 'file']);
    expect(upload).toMatch(
      /<input type="file"[^>]*accept="image\/\*,\.pdf,\.doc,\.docx,\.xls,\.xlsx,\.ppt,\.pptx/,
    );
    expect(upload).not.toContain('multiple');
    // The decision's own form holds no file control (a form cannot hold another).
    const decisionForm = html.match(/<form method="post" action="\?sig=[\s\S]*?<\/form>/)?.[0] ?? '';
    expect(decisionForm).not.toContain('type="file"');
  });

  it('lists the files uploaded so far with their sizes, and says in Chinese what to do when S3 refuses', () => {
    const html = renderPage(withFiles());
    expect(html).toMatch(
      /<ul class="files" id="f-document-files"><li><span class="name">实施方案.docx<\/span> <span class="size">2.2 兆字节<\/span>/,
    );
    expect(html).toContain('每个不超过 20 MB');
    expect(html).toContain('请返回本页，刷新后重新上传');
    expect(html).toContain('data-big="文件“{name}”超过 20 MB，没有上传。请压缩或拆分后再上传。"');
  });

  it('lets a page with upload forms post to the bucket’s origin and run its check, and no other page', () => {
    const csp = pageHeaders(withFiles())['Content-Security-Policy'] ?? '';
    expect(csp).toContain("form-action 'self' http://127.0.0.1:4569;");
    const script = renderPage(withFiles()).match(/<script>([\s\S]*?)<\/script>/)?.[1] ?? '';
    const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash};`);
    expect(pageHeaders(taskView())['Content-Security-Policy']).toBe(
      SECURITY_HEADERS['Content-Security-Policy'],
    );
    expect(renderPage(taskView())).not.toContain('<script');
  });

  it('offers a reviewer the submitted files as download links, and says how long they work', () => {
    const html = renderPage(
      taskView({
        task: {
          ...task,
          files: [{ name: '方案.pdf', size: 2048, url: 'http://127.0.0.1:4569/b/k?X-Amz-Signature=s' }],
        },
      }),
    );
    expect(html).toContain('<h2 id="submitted-files">提交的文件</h2>');
    expect(html).toContain(
      '<a href="http://127.0.0.1:4569/b/k?X-Amz-Signature=s" download="方案.pdf" rel="noopener noreferrer">方案.pdf</a> <span class="size">2.0 千字节</span>',
    );
    expect(html).toContain('下载链接 5 分钟内有效');
  });
});

describe('the pages after a decision or a refusal', () => {
  const decision = {
    outcome: { zh: '同意', en: 'Approve' },
    comment: '同意',
    by: '王科长',
    at: '2023-02-03T02:00:00.000Z',
    byYou: false,
  };

  it('say calmly who decided and when', () => {
    const html = renderPage({ page: 'decided', frame, task, decision });
    expect(html).toContain('此事项已由 王科长 于 2023年2月3日 10:00 办理（同意），无需您再操作。');
    expect(html).not.toContain('<form');
  });

  it('say the decision was recorded even when the workflow had moved on', () => {
    const html = renderPage({
      page: 'recorded',
      frame,
      task,
      decision: { ...decision, byYou: true },
      delivery: 'workflow-gone',
    });
    expect(html).toContain('您的意见已记录。');
    expect(html).toContain('流程在您提交之前已经结束');
  });

  it('tell whom to contact when a link is refused', () => {
    const html = renderPage({ page: 'refused', frame, reason: 'expired', at: '2023-02-17T16:00:00.000Z' });
    expect(html).toContain('链接已过期');
    expect(html).toContain('已于 2023年2月18日 00:00 结束');
    expect(html).toContain('县民政局 王科长');
    expect(html).toContain('href="tel:00001234567"');
  });
});
