// The pages after (or instead of) the form: the decision was recorded; it had been taken already; the task
// closed; the link was refused; the request was malformed; something failed. Each says calmly what
// happened and when, and what (if anything) to do next: never a stack trace.
import type { ComponentChildren } from 'preact';
import { formatDateTime, type LocalText, lt, tr } from '../i18n.ts';
import { ContactLine, Layout } from './layout.tsx';
import type {
  BadRequestReason,
  DecisionView,
  Delivery,
  PageFrame,
  RefusalReason,
  TaskSummary,
} from './model.ts';
import { TaskFacts } from './task.tsx';

function Status(props: { tone: 'ok' | 'info' | 'warn' | 'stop'; children: ComponentChildren }) {
  return (
    <div class={props.tone === 'info' ? 'status' : `status ${props.tone}`} role="status">
      <div>{props.children}</div>
    </div>
  );
}

const closeHint = lt('您可以关闭此页面。', 'You can close this page.');

function DecisionDetails({ frame, decision }: { frame: PageFrame; decision: DecisionView }) {
  const { locale, timeZone } = frame;
  return (
    <dl class="facts">
      <dt>{tr(locale, lt('决定', 'Decision'))}</dt>
      <dd>{tr(locale, decision.outcome)}</dd>
      <dt>{tr(locale, lt('办理人', 'By'))}</dt>
      <dd>{decision.by}</dd>
      <dt>{tr(locale, lt('时间', 'When'))}</dt>
      <dd>{formatDateTime(decision.at, locale, timeZone)}</dd>
      {decision.comment ? (
        <>
          <dt>{tr(locale, lt('意见', 'Comment'))}</dt>
          <dd>{decision.comment}</dd>
        </>
      ) : null}
    </dl>
  );
}

export function RecordedPage(props: {
  frame: PageFrame;
  task: TaskSummary;
  decision: DecisionView;
  delivery: Delivery;
}) {
  const { frame, task, decision, delivery } = props;
  const { locale } = frame;
  const title = lt('已提交', 'Submitted');
  return (
    <Layout frame={frame} title={title}>
      <h1>{tr(locale, task.title)}</h1>
      {delivery === 'workflow-gone' ? (
        <Status tone="warn">
          <p>
            <strong>{tr(locale, lt('您的意见已记录。', 'Your decision has been recorded.'))}</strong>
          </p>
          <p>
            {tr(
              locale,
              lt(
                '不过，这一事项的流程在您提交之前已经结束（已超时或已由管理员处理），因此这次提交不会再推动流程。管理员可以在系统中看到您的意见。',
                'However, the workflow of this task had already moved on before you submitted (it timed out or an administrator handled it), so your decision will not move it further. Administrators can see your decision in the system.',
              ),
            )}
          </p>
        </Status>
      ) : (
        <Status tone="ok">
          <p>
            <strong>
              {tr(locale, lt('您的意见已提交，谢谢。', 'Thank you: your decision has been submitted.'))}
            </strong>
          </p>
          <p>
            {delivery === 'pending'
              ? tr(
                  locale,
                  lt(
                    '系统稍后会把结果转交流程的下一步，您无需再次操作。',
                    'The system will pass it on to the next step shortly; there is nothing more for you to do.',
                  ),
                )
              : tr(locale, lt('流程已进入下一步。', 'The workflow has moved on to its next step.'))}
          </p>
        </Status>
      )}
      <DecisionDetails frame={frame} decision={decision} />
      <p class="muted">{tr(locale, closeHint)}</p>
    </Layout>
  );
}

export function DecidedPage(props: { frame: PageFrame; task: TaskSummary; decision: DecisionView }) {
  const { frame, task, decision } = props;
  const { locale, timeZone } = frame;
  const at = formatDateTime(decision.at, locale, timeZone);
  const outcome = tr(locale, decision.outcome);
  const message = decision.byYou
    ? lt(
        `您已于 ${at} 提交过意见（${outcome}），无需再次操作。`,
        `You already decided on ${at} (${outcome}); there is nothing more to do.`,
      )
    : lt(
        `此事项已由 ${decision.by} 于 ${at} 办理（${outcome}），无需您再操作。`,
        `${decision.by} already decided this task on ${at} (${outcome}); there is nothing for you to do.`,
      );
  return (
    <Layout frame={frame} title={lt('已办理', 'Already decided')}>
      <h1>{tr(locale, task.title)}</h1>
      <Status tone="info">
        <p>
          <strong>{tr(locale, message)}</strong>
        </p>
      </Status>
      <DecisionDetails frame={frame} decision={decision} />
      <p class="muted">{tr(locale, closeHint)}</p>
    </Layout>
  );
}

export function ClosedPage(props: {
  frame: PageFrame;
  task: TaskSummary;
  status: 'cancelled' | 'timed-out';
  closedAt?: string | undefined;
}) {
  const { frame, task } = props;
  const { locale, timeZone } = frame;
  const at = props.closedAt ? formatDateTime(props.closedAt, locale, timeZone) : undefined;
  const message =
    props.status === 'cancelled'
      ? lt(
          at ? `此事项已于 ${at} 取消，无需办理。` : '此事项已取消，无需办理。',
          at
            ? `This task was cancelled on ${at}; there is nothing to do.`
            : 'This task was cancelled; there is nothing to do.',
        )
      : lt(
          at ? `此事项已于 ${at} 因超过期限而关闭。` : '此事项已因超过期限而关闭。',
          at
            ? `This task was closed on ${at} because its time ran out.`
            : 'This task was closed because its time ran out.',
        );
  return (
    <Layout frame={frame} title={lt('事项已关闭', 'Task closed')}>
      <h1>{tr(locale, task.title)}</h1>
      <Status tone="info">
        <p>
          <strong>{tr(locale, message)}</strong>
        </p>
        <p>
          {tr(
            locale,
            lt('如仍需办理，请联系下方的联系人。', 'If it still needs doing, contact the person below.'),
          )}
        </p>
      </Status>
      <TaskFacts frame={frame} task={task} />
    </Layout>
  );
}

const REFUSALS: Record<RefusalReason, { title: LocalText; body: (at: string | undefined) => LocalText }> = {
  unknown: {
    title: lt('找不到这个链接', 'This link was not found'),
    body: () =>
      lt(
        '链接可能不完整（有的邮件程序会截断较长的链接）。请从邮件中完整地打开链接；如仍无法打开，请联系下方的联系人。',
        'The link may be incomplete (some mail programs cut long links). Open the whole link from the e-mail; if it still does not work, contact the person below.',
      ),
  },
  'bad-signature': {
    title: lt('链接无效', 'This link is not valid'),
    body: () =>
      lt(
        '这个链接与系统发出的链接不一致，可能被改动或复制不完整。请使用邮件中的原始链接；每个链接只属于收到它的人。',
        'This link differs from the one the system sent: it may have been changed or copied incompletely. Use the original link from your e-mail; each link belongs to the person who received it.',
      ),
  },
  expired: {
    title: lt('链接已过期', 'This link has expired'),
    body: (at) =>
      lt(
        `这个链接的有效期${at ? `已于 ${at} ` : '已经'}结束。如仍需办理，请联系下方的联系人重新发送。`,
        `This link ${at ? `stopped working on ${at}` : 'has expired'}. If the task still needs doing, ask the person below to send it again.`,
      ),
  },
  revoked: {
    title: lt('链接已停用', 'This link is no longer in use'),
    body: (at) =>
      lt(
        `此事项已改由他人办理或已重新发送，这个链接${at ? `已于 ${at} ` : '已'}停用。请使用最新邮件中的链接。`,
        `The task was reassigned or sent again, so this link ${at ? `was retired on ${at}` : 'was retired'}. Use the link in the latest e-mail.`,
      ),
  },
  'bad-form-token': {
    title: lt('无法提交', 'This form cannot be submitted'),
    body: () =>
      lt(
        '提交的表单不完整或不是从这个链接打开的，未作任何更改。请重新打开邮件中的链接后再提交。',
        'The submitted form was incomplete or did not come from this link; nothing was changed. Open the link from your e-mail again and submit from there.',
      ),
  },
};

export function RefusedPage(props: { frame: PageFrame; reason: RefusalReason; at?: string | undefined }) {
  const { frame } = props;
  const { locale, timeZone } = frame;
  const refusal = REFUSALS[props.reason];
  const at = props.at ? formatDateTime(props.at, locale, timeZone) : undefined;
  return (
    <Layout frame={frame} title={refusal.title}>
      <h1>{tr(locale, refusal.title)}</h1>
      <Status tone="stop">
        <p>{tr(locale, refusal.body(at))}</p>
      </Status>
      <h2>{tr(locale, lt('联系人', 'Contact'))}</h2>
      <ContactLine locale={locale} contact={frame.contact} />
    </Layout>
  );
}

const BAD_REQUESTS: Record<BadRequestReason, LocalText> = {
  'too-large': lt(
    '提交的内容太多，未作任何更改。请缩短意见或填写的内容后再试。',
    'The submission was too large; nothing was changed. Please shorten your comment or entries and try again.',
  ),
  'unsupported-media-type': lt(
    '无法识别提交的内容，未作任何更改。请使用页面上的表单提交。',
    'The submission was not in a form this page accepts; nothing was changed. Please use the form on the page.',
  ),
  malformed: lt(
    '提交的内容已损坏，未作任何更改。请重新打开邮件中的链接后再提交。',
    'The submission was damaged; nothing was changed. Open the link from your e-mail again and submit from there.',
  ),
  'method-not-allowed': lt('这个链接只能在浏览器中打开。', 'This link can only be opened in a browser.'),
};

export function BadRequestPage(props: { frame: PageFrame; reason: BadRequestReason }) {
  const { locale } = props.frame;
  const title = lt('无法处理这次提交', 'This request could not be handled');
  return (
    <Layout frame={props.frame} title={title}>
      <h1>{tr(locale, title)}</h1>
      <Status tone="stop">
        <p>{tr(locale, BAD_REQUESTS[props.reason])}</p>
      </Status>
    </Layout>
  );
}

export function ErrorPage(props: { frame: PageFrame }) {
  const { locale } = props.frame;
  const title = lt('暂时无法处理', 'Something went wrong');
  return (
    <Layout frame={props.frame} title={title}>
      <h1>{tr(locale, title)}</h1>
      <Status tone="warn">
        <p>
          {tr(
            locale,
            lt(
              '系统暂时出现问题，请稍后再打开邮件中的链接。如果您刚才提交了意见，重新打开链接即可看到是否已经记录。',
              'The system has a temporary problem. Please open the link from your e-mail again later; if you had just submitted, the page will show whether your decision was recorded.',
            ),
          )}
        </p>
      </Status>
    </Layout>
  );
}
