// The pages after (or instead of) the form: the decision was recorded; it had been taken already; the task
// closed; the link was refused; the request was malformed; something failed. Each says calmly what
// happened and when, and what (if anything) to do next: never a stack trace.
import type { ComponentChildren } from 'preact';
import { HANDED_OVER } from '../amend-words.ts';
import { EVIDENCE } from '../evidence-words.ts';
import { formatDateTime, tr } from '../i18n.ts';
import { PAGE } from '../words.ts';
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

function DecisionDetails({ frame, decision }: { frame: PageFrame; decision: DecisionView }) {
  const { locale, timeZone } = frame;
  return (
    <dl class="facts">
      <dt>{tr(locale, PAGE.decision)}</dt>
      <dd>{tr(locale, decision.outcome)}</dd>
      <dt>{tr(locale, PAGE.by)}</dt>
      <dd>{decision.by}</dd>
      <dt>{tr(locale, PAGE.at)}</dt>
      <dd>{formatDateTime(decision.at, locale, timeZone)}</dd>
      {decision.comment ? (
        <>
          <dt>{tr(locale, PAGE.comment)}</dt>
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
  const title = PAGE.submittedTitle;
  return (
    <Layout frame={frame} title={title}>
      <h1>{tr(locale, task.title)}</h1>
      {delivery === 'workflow-gone' ? (
        <Status tone="warn">
          <p>
            <strong>{tr(locale, PAGE.recordedWorkflowGone)}</strong>
          </p>
          <p>{tr(locale, PAGE.workflowGone)}</p>
        </Status>
      ) : (
        <Status tone="ok">
          <p>
            <strong>{tr(locale, PAGE.thanks)}</strong>
          </p>
          <p>{tr(locale, delivery === 'pending' ? PAGE.passedOnLater : PAGE.movedOn)}</p>
        </Status>
      )}
      <DecisionDetails frame={frame} decision={decision} />
      <p class="muted">{tr(locale, PAGE.closeHint)}</p>
    </Layout>
  );
}

export function DecidedPage(props: {
  frame: PageFrame;
  task: TaskSummary;
  decision: DecisionView;
  /** A file was uploaded from a page opened before the decision: refused (deleted). */
  lateUpload?: boolean | undefined;
}) {
  const { frame, task, decision } = props;
  const { locale, timeZone } = frame;
  const at = formatDateTime(decision.at, locale, timeZone);
  const outcome = tr(locale, decision.outcome);
  const message = decision.byYou
    ? PAGE.decidedByYou(at, outcome)
    : PAGE.decidedByOther(decision.by, at, outcome);
  return (
    <Layout frame={frame} title={PAGE.alreadyDecidedTitle}>
      <h1>{tr(locale, task.title)}</h1>
      {props.lateUpload ? (
        <Status tone="stop">
          <p role="alert" id="late-upload">
            <strong>{tr(locale, EVIDENCE.late)}</strong>
          </p>
        </Status>
      ) : null}
      <Status tone="info">
        <p>
          <strong>{tr(locale, message)}</strong>
        </p>
      </Status>
      <DecisionDetails frame={frame} decision={decision} />
      <p class="muted">{tr(locale, PAGE.closeHint)}</p>
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
  const message = props.status === 'cancelled' ? PAGE.cancelled(at) : PAGE.timedOut(at);
  return (
    <Layout frame={frame} title={PAGE.closedTitle}>
      <h1>{tr(locale, task.title)}</h1>
      <Status tone="info">
        <p>
          <strong>{tr(locale, message)}</strong>
        </p>
        <p>{tr(locale, PAGE.stillNeeded)}</p>
      </Status>
      <TaskFacts frame={frame} task={task} />
    </Layout>
  );
}

export function RefusedPage(props: {
  frame: PageFrame;
  reason: RefusalReason;
  at?: string | undefined;
  handedTo?: string | undefined;
}) {
  const { frame } = props;
  const { locale, timeZone } = frame;
  const at = props.at ? formatDateTime(props.at, locale, timeZone) : undefined;
  // A handover says where the task went: the person holding the old link has nothing left to do.
  const refusal = props.handedTo
    ? { title: HANDED_OVER.title, body: HANDED_OVER.body(props.handedTo, at) }
    : { title: PAGE.refused[props.reason].title, body: PAGE.refused[props.reason].body(at) };
  return (
    <Layout frame={frame} title={refusal.title}>
      <h1>{tr(locale, refusal.title)}</h1>
      <Status tone={props.handedTo ? 'info' : 'stop'}>
        <p>{tr(locale, refusal.body)}</p>
      </Status>
      <h2>{tr(locale, PAGE.contact)}</h2>
      <ContactLine locale={locale} contact={frame.contact} />
    </Layout>
  );
}

export function BadRequestPage(props: { frame: PageFrame; reason: BadRequestReason }) {
  const { locale } = props.frame;
  const title = PAGE.badRequestTitle;
  return (
    <Layout frame={props.frame} title={title}>
      <h1>{tr(locale, title)}</h1>
      <Status tone="stop">
        <p>{tr(locale, PAGE.badRequest[props.reason])}</p>
      </Status>
    </Layout>
  );
}

export function ErrorPage(props: { frame: PageFrame }) {
  const { locale } = props.frame;
  const title = PAGE.errorTitle;
  return (
    <Layout frame={props.frame} title={title}>
      <h1>{tr(locale, title)}</h1>
      <Status tone="warn">
        <p>{tr(locale, PAGE.errorBody)}</p>
      </Status>
    </Layout>
  );
}
