// The programme's plan page: its versions (the launched plan is version 1; each amendment adds one, with who,
// when, why and what) and, for administrators who may act, the amendments' forms (functions/domain/amend.ts):
// replace a contact, add a contact to a unit, move a stage window.
import type { ComponentChildren } from 'preact';
import { loadPlanVersion } from '#domain/plans.ts';
import { NotFoundError } from '#lib/errors.ts';
import { STAGES, type StageName } from '#plan/kinds.ts';
import { findParty } from '#plan/lookup.ts';
import type { Party, Plan } from '#plan/schema.ts';
import { listPlanVersions } from '#store/plan-versions.ts';
import { getProgramme } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { AMEND, amendMessage, changeText, FIELD_NAMES } from '../amend-words.ts';
import { type LocalText, lt, tr } from '../i18n.ts';
import type { AdminFrame } from './frame.ts';
import { AdminLayout, Csrf } from './page-layout.tsx';
import { Time } from './parts.tsx';
import { actorText } from './trail.ts';
import { urls } from './urls.ts';

export interface PlanVersionRow {
  version: number;
  at: string;
  by?: LocalText;
  text: LocalText[];
  reason?: string;
}

export interface PlanPartyRow {
  id: string;
  name: LocalText;
  contacts: Array<{ name: string; email: string; role?: string }>;
}

export interface PlanView {
  programme: { programmeId: string; title: LocalText; locale: 'zh-CN' | 'en' };
  timeZone: string;
  /** The current version's number. */
  version: number;
  versions: PlanVersionRow[];
  parties: PlanPartyRow[];
  stages: Array<{ stage: StageName; name: LocalText; start: string; end: string }>;
  /** The administrator may amend (admin on this programme); viewers see no forms. */
  canAct: boolean;
}

const partyName = (plan: Plan) => (id: string) => {
  const party = findParty(plan, id);
  return party ? lt(party.name, party.nameEn) : lt(id, id);
};

export async function loadPlanPage(store: Store, programmeId: string, canAct: boolean): Promise<PlanView> {
  const [record, current, amended] = await Promise.all([
    getProgramme(store, programmeId),
    loadPlanVersion(store, programmeId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }),
    listPlanVersions(store, programmeId),
  ]);
  if (!record || !current) throw new NotFoundError(`programme ${programmeId} does not exist`);
  const { plan, version } = current;
  const name = partyName(plan);
  const parties: Party[] = [...plan.units, ...plan.pilots];
  return {
    programme: {
      programmeId,
      title: lt(plan.programme.title, plan.programme.titleEn),
      locale: plan.programme.locale === 'en' ? 'en' : 'zh-CN',
    },
    timeZone: plan.programme.timezone,
    version,
    versions: [
      { version: 1, at: record.launchedAt, text: [AMEND.launched] },
      ...amended.map((v) => ({
        version: v.version,
        at: v.at,
        by: actorText(v.by, undefined),
        text: v.changes.map((c) => changeText(c, name)),
        reason: v.reason,
      })),
    ],
    parties: parties.map((p) => ({
      id: p.id,
      name: lt(p.name, p.nameEn),
      contacts: p.contacts.map((c) => ({
        name: c.name,
        email: c.email,
        ...(c.role ? { role: c.role } : {}),
      })),
    })),
    stages: STAGES.map((stage) => ({
      stage,
      name: AMEND.stageName[stage],
      start: plan.stages[stage].start,
      end: plan.stages[stage].end,
    })),
    canAct,
  };
}

export interface AmendFormState {
  /** Which form the refused input came from, its fields and a message per field. */
  change: string;
  input: Record<string, string>;
  errors: Record<string, string>;
}

function FieldError(props: {
  locale: 'zh-CN' | 'en';
  form?: AmendFormState | undefined;
  change: string;
  field: string;
  /** The field's label where it differs from its usual name (the successor's e-mail). */
  label?: LocalText | undefined;
}) {
  const message = props.form?.change === props.change ? props.form.errors[props.field] : undefined;
  if (!message) return null;
  const name = props.label ?? FIELD_NAMES[props.field];
  return (
    <span class="error" id={`${props.change}-${props.field}-error`}>
      {`${name ? `${tr(props.locale, name)}：` : ''}${tr(props.locale, amendMessage(message))}`}
    </span>
  );
}

export function PlanPage(props: { frame: AdminFrame; view: PlanView; form?: AmendFormState }) {
  const { frame, view, form } = props;
  const { locale } = frame;
  const value = (change: string, field: string) => (form?.change === change ? (form.input[field] ?? '') : '');
  const err = (change: string, field: string, label?: LocalText) => (
    <FieldError locale={locale} form={form} change={change} field={field} label={label} />
  );
  const reasonField = (change: string) => (
    <>
      <label for={`${change}-reason`}>{tr(locale, lt('原因（必填）', 'Reason (required)'))}</label>
      {err(change, 'reason')}
      <textarea id={`${change}-reason`} name="reason" rows={2} required minLength={2} maxLength={1000}>
        {value(change, 'reason')}
      </textarea>
    </>
  );
  const text = (change: string, field: string, label: LocalText, email = false) => (
    <>
      <label for={`${change}-${field}`}>{tr(locale, label)}</label>
      {err(change, field, label)}
      <input
        type="text"
        id={`${change}-${field}`}
        name={field}
        required
        maxLength={email ? 254 : 100}
        {...(email ? { inputMode: 'email', autocomplete: 'off', spellcheck: false } : {})}
        value={value(change, field)}
      />
    </>
  );
  const unitSelect = (change: string) => (
    <>
      <label for={`${change}-unit`}>{tr(locale, AMEND.unit)}</label>
      {err(change, 'unit')}
      <select id={`${change}-unit`} name="unit" required>
        {view.parties.map((p) => (
          <option value={p.id} selected={value(change, 'unit') === p.id}>
            {tr(locale, p.name)}
          </option>
        ))}
      </select>
    </>
  );
  /** One amendment's form: what it is, its fields, the reason, the button; `change` says which to the POST. */
  const amendForm = (
    id: string,
    change: string,
    title: LocalText,
    help: LocalText,
    submit: LocalText,
    fields: ComponentChildren[],
  ) => (
    <form method="post" action={urls.amend(view.programme.programmeId)} class="action" id={id}>
      <h3>{tr(locale, title)}</h3>
      <Csrf frame={frame} />
      <input type="hidden" name="change" value={change} />
      <p class="help">{tr(locale, help)}</p>
      {fields}
      {reasonField(change)}
      <button type="submit" class="btn primary">
        {tr(locale, submit)}
      </button>
    </form>
  );
  return (
    <AdminLayout frame={frame} title={AMEND.title}>
      <p class="muted">
        <a href={urls.overview(view.programme.programmeId)}>{tr(locale, view.programme.title)}</a>
      </p>
      <h1>{tr(locale, AMEND.title)}</h1>
      <p class="help">{tr(locale, AMEND.intro)}</p>

      <h2 id="versions-h">{tr(locale, AMEND.versions)}</h2>
      <div class="scroll">
        <table class="grid stack" id="plan-versions" aria-labelledby="versions-h">
          <thead>
            <tr>
              <th scope="col">{tr(locale, AMEND.version)}</th>
              <th scope="col">{tr(locale, AMEND.at)}</th>
              <th scope="col">{tr(locale, AMEND.by)}</th>
              <th scope="col">{tr(locale, AMEND.what)}</th>
              <th scope="col">{tr(locale, AMEND.why)}</th>
            </tr>
          </thead>
          <tbody>
            {[...view.versions].reverse().map((v) => (
              <tr data-version={v.version}>
                <td data-label={tr(locale, AMEND.version)}>
                  {`v${v.version}${v.version === view.version ? tr(locale, AMEND.current) : ''}`}
                </td>
                <td data-label={tr(locale, AMEND.at)}>
                  <Time iso={v.at} locale={locale} timeZone={view.timeZone} />
                </td>
                <td data-label={tr(locale, AMEND.by)}>{v.by ? tr(locale, v.by) : '—'}</td>
                <td data-label={tr(locale, AMEND.what)}>{v.text.map((t) => tr(locale, t)).join('；')}</td>
                <td data-label={tr(locale, AMEND.why)}>{v.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {view.canAct ? (
        <section aria-labelledby="amend-h">
          <h2 id="amend-h">{tr(locale, lt('修改', 'Amend'))}</h2>
          {amendForm(
            'replace-form',
            'replace-contact',
            AMEND.replace,
            AMEND.replaceHelp,
            AMEND.submitReplace,
            [
              <label for="replace-contact">{tr(locale, AMEND.leaving)}</label>,
              err('replace-contact', 'from'),
              <select id="replace-contact" name="contact" required>
                {view.parties.map((p) => (
                  <optgroup label={tr(locale, p.name)}>
                    {p.contacts.map((c) => (
                      <option
                        value={`${p.id} ${c.email}`}
                        selected={value('replace-contact', 'contact') === `${p.id} ${c.email}`}
                      >
                        {`${c.name}${c.role ? `（${c.role}）` : ''} <${c.email}>`}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>,
              text('replace-contact', 'name', AMEND.successorName),
              text('replace-contact', 'email', AMEND.successorEmail, true),
            ],
          )}
          {amendForm('add-form', 'add-contact', AMEND.add, AMEND.addHelp, AMEND.submitAdd, [
            unitSelect('add-contact'),
            text('add-contact', 'name', AMEND.name),
            text('add-contact', 'email', AMEND.email, true),
          ])}
          {amendForm('window-form', 'move-window', AMEND.window, AMEND.windowHelp, AMEND.submitWindow, [
            <label for="move-window-stage">{tr(locale, AMEND.stage)}</label>,
            <select id="move-window-stage" name="stage" required>
              {view.stages.map((s) => (
                <option value={s.stage} selected={value('move-window', 'stage') === s.stage}>
                  {`${tr(locale, s.name)}（${s.start} – ${s.end}）`}
                </option>
              ))}
            </select>,
            ...(['start', 'end'] as const).map((field) => (
              <>
                <label for={`move-window-${field}`}>{tr(locale, AMEND[field])}</label>
                {err('move-window', field)}
                <input
                  type="date"
                  id={`move-window-${field}`}
                  name={field}
                  required
                  value={value('move-window', field)}
                />
              </>
            )),
          ])}
        </section>
      ) : null}
    </AdminLayout>
  );
}

/** The due-date form of an open task's page (the task page shows it to administrators who may act). */
export function DueForm(props: {
  frame: AdminFrame;
  taskId: string;
  errors: Record<string, string>;
  input?: Record<string, string> | undefined;
}) {
  const { frame, errors } = props;
  const { locale } = frame;
  const error = (field: string) => {
    const message = errors[`due.${field}`];
    const name = FIELD_NAMES[field];
    return message ? (
      <span class="error">{`${name ? `${tr(locale, name)}：` : ''}${tr(locale, amendMessage(message))}`}</span>
    ) : null;
  };
  return (
    <form method="post" action={urls.due(props.taskId)} class="action" id="due-form">
      <h3>{tr(locale, AMEND.due)}</h3>
      <Csrf frame={frame} />
      <p class="help">{tr(locale, AMEND.dueHelp)}</p>
      <label for="due-date">{tr(locale, AMEND.dueDate)}</label>
      {error('due')}
      <input type="date" id="due-date" name="due" required value={props.input?.['due.due'] ?? ''} />
      <label for="due-reason">{tr(locale, lt('原因（必填）', 'Reason (required)'))}</label>
      {error('reason')}
      <textarea id="due-reason" name="reason" rows={2} required minLength={2} maxLength={1000}>
        {props.input?.['due.reason'] ?? ''}
      </textarea>
      <button type="submit" class="btn primary">
        {tr(locale, AMEND.submitDue)}
      </button>
    </form>
  );
}
