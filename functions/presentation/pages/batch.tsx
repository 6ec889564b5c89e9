// The batch page: one person's parallel tasks of one kind (functions/domain/batch-page.ts), a page of them at a
// time, each with its pilot, stage, deadline and where it stands; one form whose "全部确认" decides every open
// task the page lists (hidden `t.<taskId>`), and a button per task to decide it alone; a task that asks for
// details opens its own page. What the page does not list is counted: the open ones follow after a submission.
// No script: plain buttons of one <form method="post">. In the plan's one language (words.ts BATCH).

import { render } from 'preact-render-to-string';
import type { BatchItem, BatchResult, BatchState } from '#domain/batch-page.ts';
import { BATCH_TASK_PREFIX } from '#domain/batch-page.ts';
import { findPilot } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { formatDateTime, formatDeadline, type Locale, type LocalText, tr } from '../i18n.ts';
import { BATCH, SUPERVISION } from '../link-page-words.ts';
import { kindName, PAGE, STAGE_TEXT } from '../words.ts';
import { frameOf, type ViewContext } from './approval-view.ts';
import { Layout } from './layout.tsx';
import type { PageFrame } from './model.ts';
import { refusedTicketPage } from './supervision.tsx';

const W = BATCH;
/** The waiting pilots named one by one; the rest are counted. */
const WAITING_NAMED = 10;

const nameIn = (locale: Locale, thing: { name: string; nameEn?: string | undefined }) =>
  locale === 'en' ? (thing.nameEn ?? thing.name) : thing.name;

function statusOf(item: BatchItem, locale: Locale, timeZone: string): string {
  const { task } = item;
  if (task.status === 'open') return tr(locale, W.open);
  if (task.status === 'decided' && task.decision) {
    const at = formatDateTime(task.decision.decidedAt, locale, timeZone);
    return tr(locale, W.decided(task.decision.decidedBy.name, at));
  }
  return tr(locale, W.closed);
}

function Item(props: { frame: PageFrame; plan: Plan; item: BatchItem }) {
  const { frame, plan, item } = props;
  const { locale, timeZone } = frame;
  const { task } = item;
  const pilot = findPilot(plan, task.pilotId);
  const pilotName = pilot ? nameIn(locale, pilot) : task.pilotId;
  const stage = STAGE_TEXT[task.stage as keyof typeof STAGE_TEXT] as LocalText | undefined;
  return (
    <li class="item">
      <h2>{pilotName}</h2>
      <dl class="facts">
        {stage ? (
          <>
            <dt>{tr(locale, PAGE.stage)}</dt>
            <dd>{tr(locale, stage)}</dd>
          </>
        ) : null}
        <dt>{tr(locale, PAGE.due)}</dt>
        <dd>{formatDeadline(task.dueAt, locale, timeZone)}</dd>
        <dt>{tr(locale, W.status)}</dt>
        <dd class={task.status === 'open' ? undefined : 'done'}>{statusOf(item, locale, timeZone)}</dd>
      </dl>
      {task.status === 'open' && item.together ? (
        <div class="actions">
          <button
            type="submit"
            name="one"
            value={task.taskId}
            class="return"
            aria-label={tr(locale, W.confirmLabel(pilotName))}
          >
            {tr(locale, W.confirmOne)}
          </button>
        </div>
      ) : null}
      {task.status === 'open' ? (
        <p class="one">
          <a href={item.url} aria-label={tr(locale, W.openLabel(pilotName))}>
            {tr(locale, item.together ? W.openOne : W.openToFill)}
          </a>
        </p>
      ) : null}
    </li>
  );
}

function waitingText(state: { waiting: Plan['pilots'] }, locale: Locale): string {
  const named = state.waiting.slice(0, WAITING_NAMED).map((p) => nameIn(locale, p));
  const rest = state.waiting.length - named.length;
  const names = named.join(tr(locale, SUPERVISION.list));
  return tr(
    locale,
    W.waiting(rest > 0 ? `${names}${tr(locale, W.andMore(state.waiting.length, rest))}` : names),
  );
}

function outcomeOf(state: BatchState | BatchResult, locale: Locale) {
  if (state.kind !== 'decided') return undefined;
  const parts = [
    ...(state.decided.length ? [tr(locale, W.done(state.decided.length))] : []),
    ...(state.missed.length ? [tr(locale, W.missed(state.missed.length))] : []),
  ];
  return parts.length ? { tone: state.missed.length ? 'warn' : 'ok', text: parts.join(' ') } : undefined;
}

/** The page for a batch link's state, or for what a POST came to, with its HTTP status. */
export function batchPage(
  state: BatchState | BatchResult,
  ctx: ViewContext,
): { status: number; html: string } {
  if (state.kind === 'refused') return refusedTicketPage(state, ctx);
  const frame = frameOf(ctx, state.plan, state.sig);
  const { locale, timeZone } = frame;
  const what = kindName(locale, state.ticket.kind) ?? state.ticket.kind;
  const title = {
    zh: kindName('zh-CN', state.ticket.kind) ?? what,
    en: kindName('en', state.ticket.kind) ?? what,
  };
  const outcome = outcomeOf(state, locale);
  const open = state.items.filter((i) => i.task.status === 'open');
  const together = open.filter((i) => i.together);
  const more = state.moreOpen ? tr(locale, W.more(state.moreOpen)) : '';
  const q = new URLSearchParams({ sig: state.sig, lang: locale });
  const body = (
    <Layout frame={frame} title={title}>
      <h1>{what}</h1>
      {outcome ? (
        <div class={`status ${outcome.tone}`} role="status">
          <p>{outcome.text}</p>
        </div>
      ) : null}
      <p class="lead">
        {tr(locale, W.intro(state.recipient.name, state.total + state.waiting.length))}
        {together.length ? `${locale === 'en' ? ' ' : ''}${tr(locale, W.howTo)}` : ''}
      </p>
      {more ? (
        <p class="more" data-more={state.moreOpen}>
          {more}
        </p>
      ) : null}
      <form method="post" action={`?${q.toString()}`}>
        <input type="hidden" name="token" value={state.formToken} />
        {together.map((i) => (
          <input key={i.task.taskId} type="hidden" name={`${BATCH_TASK_PREFIX}${i.task.taskId}`} value="1" />
        ))}
        {state.items.length ? (
          <ol class="items">
            {state.items.map((item) => (
              <Item key={item.task.taskId} frame={frame} plan={state.plan} item={item} />
            ))}
          </ol>
        ) : null}
        {state.doneUnlisted ? <p class="muted">{tr(locale, W.doneUnlisted(state.doneUnlisted))}</p> : null}
        {state.waiting.length ? (
          <p class="muted" data-waiting={state.waiting.length}>
            {waitingText(state, locale)}
          </p>
        ) : null}
        {open.length === 0 ? <p>{tr(locale, state.waiting.length ? W.noneYet : W.none)}</p> : null}
        {open.length > together.length ? <p class="muted">{tr(locale, W.formNote)}</p> : null}
        {together.length ? (
          <>
            {more ? (
              <p class="more">
                {tr(locale, W.pageOnly(together.length))}
                {locale === 'en' ? ' ' : ''}
                {more}
              </p>
            ) : null}
            <p class="muted">{tr(locale, W.note)}</p>
            <div class="actions">
              <button type="submit" name="decision" value="approve" class="approve">
                {tr(locale, W.confirmAll)}
              </button>
            </div>
          </>
        ) : null}
      </form>
      <p class="muted">
        {tr(locale, SUPERVISION.validUntil(formatDateTime(state.ticket.expiresAt, locale, timeZone)))}
      </p>
    </Layout>
  );
  return { status: 200, html: `<!DOCTYPE html>${render(body)}` };
}
