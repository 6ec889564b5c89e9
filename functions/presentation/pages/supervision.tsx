// The supervision page (督办): the overdue tasks a supervising unit or the leading group is asked to follow up,
// each with its pilot, step, deadline, how late in working days, who is responsible and how to reach them, and
// one 催办 button (a POST with the link's form token). Built from functions/domain/supervision.ts; in the plan's
// one language, with the words of words.ts (SUPERVISION).

import { render } from 'preact-render-to-string';
import type { NudgeResult, SupervisedItem, SupervisionState } from '#domain/supervision.ts';
import { findPilot } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { formatDateTime, formatDeadline, type Locale, type LocalText, tr } from '../i18n.ts';
import { SUPERVISION } from '../link-page-words.ts';
import { kindName, STAGE_TEXT } from '../words.ts';
import { frameOf, type ViewContext } from './approval-view.ts';
import { Layout, pageQuery } from './layout.tsx';
import type { PageFrame } from './model.ts';

const W = SUPERVISION;

const REFUSED_STATUS = {
  unknown: 404,
  'bad-signature': 403,
  'not-recipient': 403,
  'bad-form-token': 403,
  expired: 410,
} as const;

const nameIn = (locale: Locale, thing: { name: string; nameEn?: string | undefined }) =>
  locale === 'en' ? (thing.nameEn ?? thing.name) : thing.name;

function Item(props: { frame: PageFrame; plan: Plan; item: SupervisedItem; formToken: string }) {
  const { frame, plan, item } = props;
  const { locale, timeZone } = frame;
  const { task } = item;
  const pilot = findPilot(plan, task.pilotId);
  const pilotName = pilot ? nameIn(locale, pilot) : task.pilotId;
  const step = kindName(locale, task.kind) ?? task.title;
  const stage = STAGE_TEXT[task.stage as keyof typeof STAGE_TEXT] as LocalText | undefined;
  return (
    <li class="item">
      <h2>
        {pilotName}
        {locale === 'en' ? ': ' : '：'}
        {step}
      </h2>
      <dl class="facts">
        {stage ? (
          <>
            <dt>{tr(locale, W.stage)}</dt>
            <dd>{tr(locale, stage)}</dd>
          </>
        ) : null}
        <dt>{tr(locale, W.due)}</dt>
        <dd>{formatDeadline(task.dueAt, locale, timeZone)}</dd>
        <dt>{tr(locale, W.late)}</dt>
        <dd class="overdue">{tr(locale, W.lateDays(item.workingDaysLate))}</dd>
        <dt>{tr(locale, W.assignees)}</dt>
        <dd>
          <ul class="people">
            {item.assignees.map((a) => (
              <li key={a.person.email}>
                <strong>{a.person.name}</strong>
                {a.party ? `${locale === 'en' ? ', ' : '，'}${nameIn(locale, a.party)}` : ''}
                <br />
                {a.phone ? (
                  <>
                    {tr(locale, W.phone)}
                    <a href={`tel:${a.phone.replace(/[^+0-9]/g, '')}`}>{a.phone}</a>
                    <br />
                  </>
                ) : null}
                <a href={`mailto:${a.person.email}`}>{a.person.email}</a>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <form method="post" action={pageQuery(frame, locale)} class="nudge">
        <input type="hidden" name="token" value={props.formToken} />
        <div class="actions">
          <button
            type="submit"
            name="task"
            value={task.taskId}
            class="approve"
            aria-label={tr(locale, W.nudgeLabel(`${pilotName} ${step}`))}
          >
            {tr(locale, W.nudge)}
          </button>
        </div>
      </form>
    </li>
  );
}

type Outcome = { tone: 'ok' | 'warn'; text: string } | undefined;

function outcomeOf(result: NudgeResult, locale: Locale): Outcome {
  const names = (people: Array<{ name: string }>) => people.map((p) => p.name).join(tr(locale, W.list));
  if (result.kind === 'not-supervised') return { tone: 'warn', text: tr(locale, W.notSupervised) };
  if (result.kind !== 'nudged') return undefined;
  const parts = [
    ...(result.sent.length ? [tr(locale, W.nudged(names(result.sent)))] : []),
    ...(result.already.length ? [tr(locale, W.nudgedAlready(names(result.already)))] : []),
  ];
  return { tone: result.sent.length ? 'ok' : 'warn', text: parts.join(' ') };
}

/** The page of a refused ticket link (supervision or batch): what is wrong with it, and its HTTP status. */
export function refusedTicketPage(
  state: { reason: keyof typeof REFUSED_STATUS; plan?: Plan | undefined },
  ctx: ViewContext,
): { status: number; html: string } {
  const frame = frameOf(ctx, state.plan, undefined);
  const text = W.refused[state.reason];
  const body = (
    <Layout frame={frame} title={text.title}>
      <h1>{tr(frame.locale, text.title)}</h1>
      <p>{tr(frame.locale, text.body)}</p>
    </Layout>
  );
  return { status: REFUSED_STATUS[state.reason], html: `<!DOCTYPE html>${render(body)}` };
}

/** The page for a supervision link's state, or for what a 催办 came to, with its HTTP status. */
export function supervisionPage(
  state: SupervisionState | NudgeResult,
  ctx: ViewContext,
): { status: number; html: string } {
  if (state.kind === 'refused') return refusedTicketPage(state, ctx);
  const frame = frameOf(ctx, state.plan, state.sig);
  const { locale, timeZone } = frame;
  const outcome = state.kind === 'open' ? undefined : outcomeOf(state, locale);
  const body = (
    <Layout frame={frame} title={W.title}>
      <h1>{tr(locale, W.title)}</h1>
      {outcome ? (
        <div class={`status ${outcome.tone}`} role="status">
          <p>{outcome.text}</p>
        </div>
      ) : null}
      <p class="lead">{tr(locale, W.intro(nameIn(locale, state.party), state.recipient.name))}</p>
      {state.items.length === 0 ? (
        <p>{tr(locale, W.none)}</p>
      ) : (
        <>
          <p class="muted">{tr(locale, W.count(state.items.length))}</p>
          <ol class="items">
            {state.items.map((item) => (
              <Item
                key={item.task.taskId}
                frame={frame}
                plan={state.plan}
                item={item}
                formToken={state.formToken}
              />
            ))}
          </ol>
          <p class="muted">{tr(locale, W.nudgeNote)}</p>
        </>
      )}
      <p class="muted">{tr(locale, W.validUntil(formatDateTime(state.expiresAt, locale, timeZone)))}</p>
    </Layout>
  );
  const status = state.kind === 'not-supervised' ? 409 : 200;
  return { status, html: `<!DOCTYPE html>${render(body)}` };
}
