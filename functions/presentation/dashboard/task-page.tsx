// One task: what it is, whom it waits on and since when, its links, its history, and the actions an
// administrator may take while it is open — resend the link, reassign it (转办) — each with a reason.

import type { DownloadableFile } from '#domain/evidence.ts';
import type { TaskView } from '#presentation/dashboard/views.ts';
import { revokedText, TASK_STATUS_LABELS } from '#presentation/dashboard/words.ts';
import { EVIDENCE, fileSize } from '../evidence-words.ts';
import { formatDateTime, formatDue, type Locale, type LocalText, lt, tr } from '../i18n.ts';
import type { AdminFrame } from './frame.ts';
import { AdminLayout, Csrf } from './page-layout.tsx';
import { durationText, Trail } from './parts.tsx';
import { DueForm } from './programme-plan.tsx';
import { urls } from './urls.ts';

/** The task's files, each a download link made for this page view (a few minutes). */
function TaskFiles(props: { locale: Locale; files: NonNullable<TaskView['files']> }) {
  const { locale, files } = props;
  const list = (id: string, title: LocalText, items: DownloadableFile[]) =>
    items.length === 0 ? null : (
      <section aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{tr(locale, title)}</h2>
        <ul id={id}>
          {items.map((f) => (
            <li>
              <a href={f.url} download={f.name} rel="noopener noreferrer">
                {f.name}
              </a>{' '}
              <span class="muted">{fileSize(f.size, locale)}</span>
            </li>
          ))}
        </ul>
      </section>
    );
  return (
    <>
      {list('submitted-files', EVIDENCE.submittedFiles, files.submitted)}
      {list('decision-files', lt('办理时上传的文件', 'Files uploaded with the decision'), files.decided)}
    </>
  );
}

const LINK_STATUS: Record<string, ReturnType<typeof lt>> = {
  active: lt('有效', 'Active'),
  used: lt('已使用', 'Used'),
  revoked: lt('已作废', 'Revoked'),
  expired: lt('已过期', 'Expired'),
};

export function TaskDetailPage(props: {
  frame: AdminFrame;
  view: TaskView;
  errors?: Record<string, string>;
  input?: Record<string, string>;
}) {
  const { frame, view } = props;
  const { locale } = frame;
  const tz = view.timeZone;
  const t = view.task;
  const errors = props.errors ?? {};
  const current = new Set(t.assignees.map((a) => a.email.toLowerCase()));
  // The links table's column names, also on each cell: at phone width each link is a card.
  const col = {
    status: tr(locale, lt('状态', 'Status')),
    issued: tr(locale, lt('发出', 'Issued')),
    expires: tr(locale, lt('有效期至', 'Expires')),
  };
  return (
    <AdminLayout frame={frame} title={lt(t.title, t.title)}>
      {view.programme ? (
        <p class="muted">
          <a href={urls.overview(view.programme.programmeId)}>{tr(locale, view.programme.title)}</a>
          {t.pilotId !== '-' ? (
            <>
              {' › '}
              <a href={urls.pilot(t.programmeId, t.pilotId)}>{tr(locale, t.pilotName)}</a>
            </>
          ) : null}
        </p>
      ) : null}
      <h1>{t.title}</h1>
      <div id="task-facts" data-live>
        <dl class="facts">
          <dt>{tr(locale, lt('阶段', 'Stage'))}</dt>
          <dd>{tr(locale, t.stageName)}</dd>
          <dt>{tr(locale, lt('步骤', 'Step'))}</dt>
          <dd>{tr(locale, t.step)}</dd>
          {t.round > 1 ? (
            <>
              <dt>{tr(locale, lt('轮次', 'Round'))}</dt>
              <dd>{t.round}</dd>
            </>
          ) : null}
          <dt>{tr(locale, lt('状态', 'Status'))}</dt>
          <dd data-status={t.status}>{tr(locale, TASK_STATUS_LABELS[t.status] ?? lt(t.status, t.status))}</dd>
          <dt>{tr(locale, lt('办理人', 'Assignees'))}</dt>
          <dd id="assignees">
            {t.assignees.map((a, i) => (
              <>
                {i > 0 ? '；' : ''}
                {a.unit ? `${tr(locale, a.unit)} ` : ''}
                {a.name} <a href={`mailto:${a.email}`}>{a.email}</a>
              </>
            ))}
          </dd>
          <dt>{tr(locale, lt('发出', 'Opened'))}</dt>
          <dd>{formatDateTime(t.createdAt, locale, tz)}</dd>
          <dt>{tr(locale, lt('截止', 'Due'))}</dt>
          <dd>
            {formatDue(t.dueAt, locale, tz)}
            {t.overdueMs > 0 ? (
              <span class="overdue">
                {' '}
                {tr(locale, lt('逾期 ', 'overdue by '))}
                {durationText(t.overdueMs, locale)}
              </span>
            ) : null}
          </dd>
          {t.escalationLevel > 0 ? (
            <>
              <dt>{tr(locale, lt('上报级别', 'Escalation level'))}</dt>
              <dd>{t.escalationLevel}</dd>
            </>
          ) : null}
          {t.closedAt ? (
            <>
              <dt>{tr(locale, lt('办结', 'Closed'))}</dt>
              <dd>{formatDateTime(t.closedAt, locale, tz)}</dd>
            </>
          ) : null}
          <dt>{tr(locale, lt('执行', 'Execution'))}</dt>
          <dd>
            <a href={urls.execution(t.executionArn)}>
              {tr(locale, lt('查看执行与历史', 'Execution and history'))}
            </a>
          </dd>
        </dl>
        {t.decision ? (
          <section aria-labelledby="decision-h">
            <h2 id="decision-h">{tr(locale, lt('办理意见', 'Decision'))}</h2>
            <Trail entries={[t.decision]} locale={locale} timeZone={tz} id="decision" />
          </section>
        ) : null}
        {view.files ? <TaskFiles locale={locale} files={view.files} /> : null}
      </div>

      {view.canAct ? (
        <section aria-labelledby="actions-h">
          <h2 id="actions-h">{tr(locale, lt('操作', 'Actions'))}</h2>
          <form method="post" action={urls.resend(t.taskId)} class="action" id="resend-form">
            <h3>{tr(locale, lt('重新发送链接', 'Send the link again'))}</h3>
            <Csrf frame={frame} />
            <p class="help">
              {tr(
                locale,
                lt(
                  '向当前办理人重新发送任务邮件（链接不变；已过期的链接会换成新的）。',
                  'E-mails the task to its assignees again (the same link; an expired link is replaced).',
                ),
              )}
            </p>
            <label for="resend-reason">{tr(locale, lt('原因（必填）', 'Reason (required)'))}</label>
            {errors['resend.reason'] ? <span class="error">{errors['resend.reason']}</span> : null}
            <textarea id="resend-reason" name="reason" rows={2} required minLength={2} maxLength={1000}>
              {props.input?.['resend.reason'] ?? ''}
            </textarea>
            <button type="submit" class="btn primary">
              {tr(locale, lt('重新发送', 'Send again'))}
            </button>
          </form>
          {view.reassignTo.length === 0 ? (
            <section class="action" id="reassign-form" aria-disabled="true">
              <h3>{tr(locale, lt('转办', 'Reassign'))}</h3>
              <p class="help" id="reassign-none">
                {tr(
                  locale,
                  lt(
                    '无法转办：本单位没有其他联系人。请先在方案中为本单位添加联系人。',
                    'Cannot be reassigned: the unit has no other contact. Add one to the unit in the plan first.',
                  ),
                )}
              </p>
              <button type="button" class="btn primary" disabled aria-describedby="reassign-none">
                {tr(locale, lt('转办', 'Reassign'))}
              </button>
            </section>
          ) : (
            <form method="post" action={urls.reassign(t.taskId)} class="action" id="reassign-form">
              <h3>{tr(locale, lt('转办', 'Reassign'))}</h3>
              <Csrf frame={frame} />
              <p class="help">
                {tr(
                  locale,
                  lt(
                    '交给本单位的另一位联系人：原办理人的链接立即失效，新办理人收到自己的链接。',
                    'Hand it to another contact of the unit: the current assignees’ links stop working at once and the new assignee gets a link of their own.',
                  ),
                )}
              </p>
              <label for="reassign-to">{tr(locale, lt('交给', 'To'))}</label>
              {errors['reassign.to'] ? <span class="error">{errors['reassign.to']}</span> : null}
              <select id="reassign-to" name="to" required>
                {view.reassignTo.map((u) => (
                  <optgroup label={tr(locale, u.name)}>
                    {u.contacts.map((c) => (
                      <option value={c.email} selected={props.input?.['reassign.to'] === c.email}>
                        {`${c.name}${c.role ? `（${c.role}）` : ''} <${c.email}>${current.has(c.email.toLowerCase()) ? tr(locale, lt(' — 改由其一人办理', ' — to hold it alone')) : ''}`}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
              <label for="reassign-reason">{tr(locale, lt('原因（必填）', 'Reason (required)'))}</label>
              {errors['reassign.reason'] ? <span class="error">{errors['reassign.reason']}</span> : null}
              <textarea id="reassign-reason" name="reason" rows={2} required minLength={2} maxLength={1000}>
                {props.input?.['reassign.reason'] ?? ''}
              </textarea>
              <button type="submit" class="btn primary">
                {tr(locale, lt('转办', 'Reassign'))}
              </button>
            </form>
          )}
          <DueForm frame={frame} taskId={t.taskId} errors={errors} input={props.input} />
        </section>
      ) : null}

      <h2>{tr(locale, lt('链接', 'Links'))}</h2>
      <div class="scroll" id="task-links" data-live>
        <table class="grid stack">
          <thead>
            <tr>
              <th scope="col">{tr(locale, lt('办理人', 'Assignee'))}</th>
              <th scope="col">{col.status}</th>
              <th scope="col">{col.issued}</th>
              <th scope="col">{col.expires}</th>
            </tr>
          </thead>
          <tbody>
            {view.links.map((l, i) => (
              <tr data-link-status={l.status}>
                <td class="lead">
                  {/* The link's id is not for reading: its last characters, on hover. */}
                  <span title={l.linkHint}>{i + 1}</span>
                  {'. '}
                  {l.assignee.name} {l.assignee.email}
                </td>
                <td data-label={col.status}>
                  {tr(locale, LINK_STATUS[l.status] ?? lt(l.status, l.status))}
                  {l.revokedReason ? (
                    <span class="who">{tr(locale, revokedText(l.revokedReason))}</span>
                  ) : null}
                </td>
                <td data-label={col.issued}>{formatDateTime(l.createdAt, locale, tz)}</td>
                <td data-label={col.expires}>{formatDateTime(l.expiresAt, locale, tz)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{tr(locale, lt('记录', 'History'))}</h2>
      <div id="task-trail" data-live>
        <Trail entries={view.trail} locale={locale} timeZone={tz} id="trail" />
      </div>
    </AdminLayout>
  );
}
