// Launching a plan from the dashboard: the upload form (with the plan's problems when it was refused) and the
// preview with its launch button. Plain forms, no JavaScript needed; the launch form names the plan by the
// SHA-256 of its text, so what launches is what was previewed.
import type { ComponentChildren } from 'preact';
import type { Problem } from '#plan/load.ts';
import { formatDateTime, formatDay, type Locale, type LocalText, tr } from '../i18n.ts';
import type { AdminFrame } from './frame.ts';
import { AdminLayout, Csrf } from './page-layout.tsx';
import type { PlanPreviewView } from './plan-preview.ts';
import { PLAN_WORDS as W } from './plan-words.ts';
import { urls } from './urls.ts';
import { STAGE_NAMES } from './words.ts';

export type UploadRefusal = 'missing' | 'too-large' | 'not-text';

/** A problem as `pilotflow validate` prints it in the plan's language, split into place, message and line. */
function ProblemItem(props: { problem: Problem; locale: Locale }) {
  const { problem: p, locale } = props;
  const zh = locale === 'zh-CN';
  return (
    <li>
      <code>{p.path || (zh ? '（方案）' : '(plan)')}</code>
      {zh ? '：' : ': '}
      {zh ? (p.zh ?? p.message) : p.message}
      {p.line === undefined ? null : (
        <span class="muted" data-line={String(p.line)}>
          {zh ? `（第 ${p.line} 行）` : ` (line ${p.line})`}
        </span>
      )}
    </li>
  );
}

export function PlanUploadPage(props: {
  frame: AdminFrame;
  refused?: UploadRefusal | undefined;
  problems?: { source: string; problems: Problem[] } | undefined;
}) {
  const { frame } = props;
  const { locale } = frame;
  const refusal: Record<UploadRefusal, LocalText> = {
    missing: W.missing,
    'too-large': W.tooLarge,
    'not-text': W.notText,
  };
  return (
    <AdminLayout frame={{ ...frame, liveMs: 0 }} title={W.uploadTitle}>
      <h1>{tr(locale, W.uploadTitle)}</h1>
      {props.problems ? (
        <section id="plan-problems" role="alert">
          <div class="status stop">
            <p>
              <strong>{tr(locale, W.problemsTitle)}</strong>
              <br />
              {props.problems.source}
              {locale === 'zh-CN'
                ? `：${props.problems.problems.length} 个问题。`
                : `: ${props.problems.problems.length} problem${props.problems.problems.length === 1 ? '' : 's'}. `}
              {tr(locale, W.problemsIntro)}
            </p>
          </div>
          <ol class="problems">
            {props.problems.problems.map((p) => (
              <ProblemItem problem={p} locale={locale} />
            ))}
          </ol>
        </section>
      ) : null}
      <p>{tr(locale, W.uploadIntro)}</p>
      <form method="post" action={urls.plans()} enctype="multipart/form-data" class="action" id="upload-form">
        <Csrf frame={frame} />
        <label for="plan-file">{tr(locale, W.file)}</label>
        {props.refused ? (
          <span class="error" role="alert">
            {tr(locale, refusal[props.refused])}
          </span>
        ) : null}
        <input
          id="plan-file"
          name="plan"
          type="file"
          accept=".yaml,.yml,application/yaml,text/yaml"
          required
        />
        <p class="help">{tr(locale, W.fileHint)}</p>
        <button type="submit" class="btn primary">
          {tr(locale, W.check)}
        </button>
      </form>
    </AdminLayout>
  );
}

function Contacts(props: { contacts: Array<{ name: string; email: string }> }) {
  return (
    <>
      {props.contacts.map((c) => (
        <span class="who">
          {c.name} {c.email}
        </span>
      ))}
    </>
  );
}

/** A table that becomes one card per row on a phone: the first column leads, the others carry their names. */
function StackTable(props: {
  id: string;
  locale: Locale;
  columns: LocalText[];
  rows: Array<{ key?: string; cells: ComponentChildren[] }>;
}) {
  const { locale, columns } = props;
  return (
    <div class="scroll">
      <table class="grid stack" id={props.id}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col">{tr(locale, c)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr data-key={row.key}>
              {row.cells.map((cell, i) =>
                i === 0 ? (
                  <td class="lead">{cell}</td>
                ) : (
                  <td data-label={tr(locale, columns[i] as LocalText)}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PlanPreviewPage(props: { frame: AdminFrame; view: PlanPreviewView }) {
  const { frame, view } = props;
  const { locale } = frame;
  const tz = view.timeZone;
  const when = (iso: string) => formatDateTime(iso, locale, tz);
  return (
    <AdminLayout frame={{ ...frame, liveMs: 0 }} title={W.previewTitle}>
      <h1>{tr(locale, view.programme.title)}</h1>
      <p class="muted">
        {tr(locale, W.previewTitle)} · {tr(locale, W.leadUnit)} {tr(locale, view.programme.leadUnit)}
      </p>
      {/* Ids and the file's name are data in Latin letters: behind a toggle, like the ARNs elsewhere. */}
      <details>
        <summary>{tr(locale, W.details)}</summary>
        <p>
          {tr(locale, W.fileName)} <code>{view.source}</code> · {tr(locale, W.programmeId)}{' '}
          <code id="plan-programme-id">{view.programme.programmeId}</code> · {tr(locale, W.planHash)}{' '}
          <code>{view.sha256}</code>
        </p>
      </details>
      {view.prior === 'none' ? (
        <p>{tr(locale, W.previewIntro)}</p>
      ) : (
        <div class={`status ${view.prior === 'same' ? 'ok' : 'stop'}`} role="status" id="plan-prior">
          <p>{tr(locale, view.prior === 'same' ? W.launchedSame : W.launchedDifferent)}</p>
          {view.prior === 'same' ? (
            <p>
              <a href={urls.overview(view.programme.programmeId)}>{tr(locale, W.open)}</a>
            </p>
          ) : null}
        </div>
      )}

      <h2>{tr(locale, W.windows)}</h2>
      <StackTable
        id="plan-windows"
        locale={locale}
        columns={[W.stage, W.from, W.to]}
        rows={view.stages.map((s) => ({
          cells: [
            tr(locale, STAGE_NAMES[s.stage]),
            formatDay(s.start, locale, tz),
            // The window ends at the start of the day after its last: that last day is shown.
            formatDay(new Date(Date.parse(s.end) - 1), locale, tz),
          ],
        }))}
      />

      <h2>
        {tr(locale, W.pilots)} ({view.pilots.length})
      </h2>
      <StackTable
        id="plan-pilots"
        locale={locale}
        columns={[W.pilot, W.level, W.type, W.town, W.contacts]}
        rows={view.pilots.map((p) => ({
          key: p.pilotId,
          cells: [
            tr(locale, p.name),
            tr(locale, W.levels[p.level]),
            tr(locale, p.type),
            p.town ? tr(locale, p.town) : '—',
            <Contacts contacts={p.contacts} />,
          ],
        }))}
      />

      <h2>
        {tr(locale, W.units)} ({view.units.length})
      </h2>
      <StackTable
        id="plan-units"
        locale={locale}
        columns={[W.unit, W.contacts]}
        rows={view.units.map((u) => ({
          key: u.unitId,
          cells: [tr(locale, u.name), <Contacts contacts={u.contacts} />],
        }))}
      />

      <h2>{tr(locale, W.mailTitle)}</h2>
      <p>
        {tr(locale, W.mailWhen)}
        <time datetime={view.mail.at}>{when(view.mail.at)}</time>
        {tr(locale, W.mailWhenEnd)} {view.mail.emails}
        {tr(locale, W.mailCount)}
        {view.mail.recipients.length}
        {tr(locale, W.mailPeople)}
      </p>
      <StackTable
        id="plan-mail"
        locale={locale}
        columns={[W.recipient, W.what]}
        rows={view.mail.recipients.map((r) => ({
          key: r.email,
          cells: [
            <>
              {r.name} {r.email}
              <span class="who">{tr(locale, r.party)}</span>
            </>,
            <>
              {r.notices.map((n) => (
                <span class="who">
                  {tr(locale, W.notice)}
                  {tr(locale, W.noticeFor)}
                  {tr(locale, n)}
                  {tr(locale, W.noticeForEnd)}
                  {locale === 'zh-CN' ? '：' : ': '}
                  {view.mail.noticeSubject}
                </span>
              ))}
              {r.acknowledges.length ? (
                <span class="who">
                  {tr(locale, W.acknowledge)}
                  {r.acknowledges.map((a) => tr(locale, a)).join(locale === 'zh-CN' ? '、' : ', ')}
                </span>
              ) : null}
            </>,
          ],
        }))}
      />

      {view.prior === 'different' ? (
        <p>
          <a href={urls.newPlan()}>{tr(locale, W.again)}</a>
        </p>
      ) : (
        <form method="post" action={urls.launchPlan(view.sha256)} class="action" id="launch-form">
          <Csrf frame={frame} />
          <button type="submit" class="btn primary">
            {tr(locale, W.launch)}
          </button>{' '}
          <a href={urls.newPlan()}>{tr(locale, W.again)}</a>
        </form>
      )}
    </AdminLayout>
  );
}
