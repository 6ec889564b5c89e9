// The task page: what is asked, for which pilot, by when, what happened in earlier rounds, and the form
// with the decision buttons. Also the short task summary the pages after a decision repeat.
import { decisionLabel, type Field, type FormSpec } from '#domain/forms.ts';
import { formatDateTime, formatDeadline, type Locale, type LocalText, lt, tr } from '../i18n.ts';
import { PAGE } from '../words.ts';
import { Layout, pageQuery } from './layout.tsx';
import { FIELD_PREFIX, type FormInput, type PageFrame, type TaskSummary, type UploadView } from './model.ts';
import { SubmittedFiles, Uploads } from './uploads.tsx';

/** Only web links become hrefs: a `javascript:` or `data:` URL in task data must never be clickable. */
export function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

export const fieldId = (name: string) => `f-${name}`;

const T = PAGE;

const roundText = (locale: Locale, round: number) => tr(locale, PAGE.roundOf(round));

/** The facts about a task: pilot, stage, due date, round, assignee, and any facts the workflow added. */
export function TaskFacts({ frame, task }: { frame: PageFrame; task: TaskSummary }) {
  const { locale, timeZone } = frame;
  return (
    <dl class="facts">
      {task.pilot ? (
        <>
          <dt>{tr(locale, T.pilot)}</dt>
          <dd>{tr(locale, task.pilot)}</dd>
        </>
      ) : null}
      {task.stage ? (
        <>
          <dt>{tr(locale, T.stage)}</dt>
          <dd>{tr(locale, task.stage)}</dd>
        </>
      ) : null}
      <dt>{tr(locale, T.due)}</dt>
      <dd>
        {formatDeadline(task.dueAt, locale, timeZone)}
        {task.overdue ? <span class="overdue">{tr(locale, T.overdue)}</span> : null}
      </dd>
      {task.round > 1 ? (
        <>
          <dt>{tr(locale, T.round)}</dt>
          <dd>{roundText(locale, task.round)}</dd>
        </>
      ) : null}
      {task.facts.map((fact) => (
        <>
          <dt>{tr(locale, fact.label)}</dt>
          <dd>{tr(locale, fact.value)}</dd>
        </>
      ))}
      <dt>{tr(locale, T.assignee)}</dt>
      <dd>{task.assignee}</dd>
    </dl>
  );
}

function Documents({ locale, task }: { locale: Locale; task: TaskSummary }) {
  const docs = task.documents.flatMap((d) => {
    const href = safeHref(d.url);
    return href ? [{ ...d, href }] : [];
  });
  if (docs.length === 0) return null;
  return (
    <section aria-labelledby="documents">
      <h2 id="documents">{tr(locale, T.documents)}</h2>
      <ul class="plain">
        {docs.map((d) => (
          <li>
            <a href={d.href} rel="noopener noreferrer">
              {tr(locale, d.label)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Quotes({ locale, task }: { locale: Locale; task: TaskSummary }) {
  return (
    <>
      {task.quotes.map((q, i) => (
        <section aria-labelledby={`quote-${i}`}>
          <h2 id={`quote-${i}`}>{tr(locale, q.label)}</h2>
          <blockquote class="quote">{q.text}</blockquote>
        </section>
      ))}
    </>
  );
}

function History({ frame, task }: { frame: PageFrame; task: TaskSummary }) {
  const { locale, timeZone } = frame;
  if (task.history.length === 0) return null;
  return (
    <section aria-labelledby="history">
      <h2 id="history">{tr(locale, T.history)}</h2>
      <ol class="history">
        {task.history.map((h) => (
          <li>
            <strong>
              {roundText(locale, h.round)} · {tr(locale, h.title)}：{tr(locale, h.outcome)}
            </strong>
            <div class="who">
              {h.by} · {formatDateTime(h.at, locale, timeZone)}
            </div>
            {h.comment ? <blockquote>{h.comment}</blockquote> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** "required", or "required to approve" when a field is required for some decisions only. */
function requiredNote(locale: Locale, spec: FormSpec, field: Field): string | undefined {
  if (field.requiredFor) {
    const offered = field.requiredFor.filter((o) => spec.decisions.includes(o));
    if (offered.length === 0) return undefined;
    if (offered.length === spec.decisions.length) return tr(locale, T.required);
    const names = offered.map((o) => tr(locale, decisionLabel(spec, o)));
    return tr(locale, PAGE.requiredFor(names));
  }
  return field.required ? tr(locale, T.required) : undefined;
}

function FieldControl(props: {
  locale: Locale;
  spec: FormSpec;
  field: Field;
  value: string;
  error: LocalText | undefined;
  autofocus: boolean;
}) {
  const { locale, spec, field, value, error } = props;
  const id = fieldId(field.name);
  const name = `${FIELD_PREFIX}${field.name}`;
  const helpId = field.help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, helpId].filter(Boolean).join(' ') || undefined;
  const note = requiredNote(locale, spec, field);
  const help = field.help ? (
    <span class="help" id={helpId}>
      {tr(locale, field.help)}
    </span>
  ) : null;
  const errorLine = error ? (
    <span class="error" id={errorId}>
      {tr(locale, error)}
    </span>
  ) : null;
  const cls = error ? 'field invalid' : 'field';

  if (field.kind === 'yesno') {
    return (
      <fieldset class={cls} id={id} aria-describedby={describedBy} tabIndex={-1}>
        <legend>
          {tr(locale, field.label)}
          {note ? <span class="req">{note}</span> : null}
        </legend>
        {help}
        {errorLine}
        {(['yes', 'no'] as const).map((v, i) => (
          <label class="choice">
            <input
              type="radio"
              name={name}
              value={v}
              checked={value === v}
              autofocus={props.autofocus && i === 0}
            />
            {tr(locale, v === 'yes' ? T.yes : T.no)}
          </label>
        ))}
      </fieldset>
    );
  }

  const common = {
    id,
    name,
    'aria-describedby': describedBy,
    'aria-invalid': error ? ('true' as const) : undefined,
    autofocus: props.autofocus,
  };
  let control: preact.JSX.Element;
  switch (field.kind) {
    case 'textarea':
      control = (
        <textarea {...common} rows={5}>
          {value}
        </textarea>
      );
      break;
    case 'score':
      control = (
        <input {...common} type="text" inputMode="decimal" autocomplete="off" class="score" value={value} />
      );
      break;
    case 'url':
      control = (
        <input {...common} type="url" inputMode="url" autocomplete="off" spellcheck={false} value={value} />
      );
      break;
    case 'date':
      control = <input {...common} type="date" value={value} />;
      break;
    default:
      control = <input {...common} type="text" value={value} />;
  }
  return (
    <div class={cls}>
      <label for={id}>
        {tr(locale, field.label)}
        {note ? <span class="req">{note}</span> : null}
      </label>
      {help}
      {errorLine}
      {control}
    </div>
  );
}

export function TaskPage(props: {
  frame: PageFrame;
  task: TaskSummary;
  form: FormSpec;
  formToken: string;
  input?: FormInput | undefined;
  errors?: Record<string, LocalText> | undefined;
  uploads?: UploadView[] | undefined;
  justUploaded?: string | undefined;
  refusedUpload?: string | undefined;
  removed?: string | { gone: true } | undefined;
}) {
  const { frame, task, form, input } = props;
  const { locale } = frame;
  const errors = props.errors ?? {};
  const errorKeys = [
    ...(errors.decision ? ['decision'] : []),
    ...form.fields.map((f) => f.name).filter((n) => errors[n]),
    ...(errors.comment ? ['comment'] : []),
  ];
  const firstError = errorKeys[0];
  const labelOf = (key: string): LocalText =>
    key === 'decision'
      ? T.decisionError
      : key === 'comment'
        ? T.comment
        : (form.fields.find((f) => f.name === key)?.label ?? lt(key, key));
  // Which offered decisions need a comment (return and reject unless the form says otherwise).
  const commentFor = (form.commentRequiredFor ?? ['return', 'reject']).filter((o) =>
    form.decisions.includes(o),
  );
  const commentHelp =
    commentFor.length === 0
      ? undefined
      : tr(locale, PAGE.commentRequiredFor(commentFor.map((o) => tr(locale, decisionLabel(form, o)))));
  const anchorOf = (key: string) =>
    key === 'decision' ? 'decision' : key === 'comment' ? 'comment' : fieldId(key);

  return (
    <Layout frame={frame} title={task.title}>
      <h1>{tr(locale, task.title)}</h1>
      {task.instructions ? <p class="lead">{tr(locale, task.instructions)}</p> : null}
      <TaskFacts frame={frame} task={task} />
      <Quotes locale={locale} task={task} />
      <Documents locale={locale} task={task} />
      <SubmittedFiles locale={locale} files={task.files} />
      <History frame={frame} task={task} />
      <Uploads
        locale={locale}
        uploads={props.uploads ?? []}
        errors={errors}
        justUploaded={props.justUploaded}
        refusedUpload={props.refusedUpload}
        removed={props.removed}
        remove={{ action: pageQuery(frame, locale), token: props.formToken }}
      />

      <form method="post" action={pageQuery(frame, locale)} id="decision-form" novalidate>
        {errorKeys.length > 0 ? (
          <div class="summary" role="alert" aria-labelledby="summary-title">
            <h2 id="summary-title">{tr(locale, T.errorsTitle)}</h2>
            <ul>
              {errorKeys.map((key) => (
                <li>
                  <a href={`#${anchorOf(key)}`}>
                    {tr(locale, labelOf(key))}：{tr(locale, errors[key] as LocalText)}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <input type="hidden" name="token" value={props.formToken} />
        {/* Pressing Enter in a text box submits with the form's first button: this disabled one, so Enter
            submits nothing and no decision is ever taken by accident (HTML "implicit submission"). */}
        <button type="submit" disabled hidden aria-hidden="true" tabIndex={-1} />
        {/* Files are uploaded above, each field in its own form: a form cannot hold another. */}
        {form.fields
          .filter((field) => field.kind !== 'files')
          .map((field) => (
            <FieldControl
              locale={locale}
              spec={form}
              field={field}
              value={input?.values[field.name] ?? ''}
              error={errors[field.name]}
              autofocus={firstError === field.name}
            />
          ))}
        <div class={errors.comment ? 'field invalid' : 'field'}>
          <label for="comment">
            {tr(locale, T.comment)}
            {commentHelp ? null : <span class="opt">{tr(locale, T.commentOptional)}</span>}
          </label>
          {commentHelp ? (
            <span class="help" id="comment-help">
              {commentHelp}
            </span>
          ) : null}
          {errors.comment ? (
            <span class="error" id="comment-error">
              {tr(locale, errors.comment)}
            </span>
          ) : null}
          <textarea
            id="comment"
            name="comment"
            rows={4}
            aria-describedby={
              [errors.comment ? 'comment-error' : '', commentHelp ? 'comment-help' : '']
                .filter(Boolean)
                .join(' ') || undefined
            }
            aria-invalid={errors.comment ? 'true' : undefined}
            autofocus={firstError === 'comment'}
          >
            {input?.comment ?? ''}
          </textarea>
        </div>
        <fieldset
          class={errors.decision ? 'field invalid' : 'field'}
          id="decision"
          tabIndex={-1}
          aria-describedby={errors.decision ? 'decision-error decision-note' : 'decision-note'}
        >
          <legend>{tr(locale, T.decide)}</legend>
          {errors.decision ? (
            <span class="error" id="decision-error">
              {tr(locale, errors.decision)}
            </span>
          ) : null}
          <span class="help" id="decision-note">
            {tr(locale, T.recordedWith)}
          </span>
          <div class="actions">
            {form.decisions.map((outcome) => (
              <button type="submit" name="decision" value={outcome} class={outcome}>
                {tr(locale, decisionLabel(form, outcome))}
              </button>
            ))}
          </div>
        </fieldset>
      </form>
    </Layout>
  );
}
