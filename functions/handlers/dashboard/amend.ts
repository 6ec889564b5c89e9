// Amending a running programme (functions/domain/amend.ts): the plan page with its versions and forms, its one
// POST (`change` says which amendment), and an open task's due date. Only the admin role on the programme acts;
// a refused input shows the page again with what was typed and a message per field.

import type { ActionDeps } from '#domain/admin.ts';
import {
  AddContactInputSchema,
  addContact,
  MoveDueInputSchema,
  MoveWindowInputSchema,
  moveDueDate,
  moveWindow,
  ReplaceContactInputSchema,
  replaceContact,
} from '#domain/amend.ts';
import { canAct } from '#domain/roles.ts';
import { ValidationError } from '#lib/errors.ts';
import { validate } from '#lib/middleware.ts';
import { loadTask } from '#presentation/dashboard/load.ts';
import { type AmendFormState, loadPlanPage } from '#presentation/dashboard/programme-plan.tsx';
import { urls } from '#presentation/dashboard/urls.ts';
import { requireAct, requireRead } from './access.ts';
import { id, pageLocale } from './pages.ts';
import type { AdminRequest, RouteTable } from './request.ts';
import { frameOf, html, json, redirect } from './respond.ts';

const CHANGES = ['replace-contact', 'add-contact', 'move-window'] as const;
type Change = (typeof CHANGES)[number];

/** The form's fields as the domain takes them: the leaving contact's select carries "unit e-mail". */
function inputOf(req: AdminRequest): { change: string; input: Record<string, string> } {
  const { csrf: _csrf, change = '', contact, ...input } = req.fields;
  if (contact !== undefined) {
    const [unit = '', from = ''] = contact.split(' ', 2);
    return { change, input: { ...input, unit, from } };
  }
  return { change, input };
}

function amend(
  deps: ActionDeps,
  req: AdminRequest,
  programmeId: string,
  change: Change,
  input: Record<string, string>,
) {
  switch (change) {
    case 'replace-contact':
      return replaceContact(deps, req.admin, programmeId, validate(ReplaceContactInputSchema, input, change));
    case 'add-contact':
      return addContact(deps, req.admin, programmeId, validate(AddContactInputSchema, input, change));
    case 'move-window':
      return moveWindow(deps, req.admin, programmeId, validate(MoveWindowInputSchema, input, change));
  }
}

const fieldErrors = (error: ValidationError) =>
  Object.fromEntries(error.issues.map((i) => [i.path || 'reason', i.message]));

async function planPage(
  deps: ActionDeps,
  req: AdminRequest,
  programmeId: string,
  status: number,
  form?: AmendFormState,
) {
  const view = await loadPlanPage(deps.store, programmeId, canAct(req.access, programmeId));
  if (req.json) return json(req, status, view);
  const frame = { ...(await frameOf(req, programmeId, view.timeZone)), locale: pageLocale(req, view) };
  return html(req, status, { kind: 'plan', frame, view, ...(form ? { form } : {}) });
}

export function amendRoutes(deps: () => ActionDeps): RouteTable {
  return {
    'GET /admin/programmes/{programmeId}/plan': {
      access: 'admin',
      async run(req) {
        const programmeId = validate(id, req.params.programmeId, 'programme id');
        requireRead(req, programmeId);
        return planPage(deps(), req, programmeId, 200);
      },
    },
    'POST /admin/programmes/{programmeId}/plan': {
      access: 'admin',
      async run(req) {
        const programmeId = validate(id, req.params.programmeId, 'programme id');
        requireAct(req, programmeId);
        const { change, input } = inputOf(req);
        if (!(CHANGES as readonly string[]).includes(change)) {
          throw new ValidationError(`change must be one of ${CHANGES.join(', ')}`, [
            { path: 'change', message: 'unknown change' },
          ]);
        }
        const d = deps();
        try {
          const result = await amend(d, req, programmeId, change as Change, input);
          if (req.json) return json(req, 200, result);
          const done = {
            'replace-contact': 'contact-replaced',
            'add-contact': 'contact-added',
            'move-window': 'window-moved',
          }[change as Change];
          return redirect(req, `${urls.programmePlan(programmeId)}?done=${done}`);
        } catch (error) {
          if (!(error instanceof ValidationError) || req.json) throw error;
          const form = { change, input: req.fields, errors: fieldErrors(error) };
          return planPage(d, req, programmeId, 400, form);
        }
      },
    },
    'POST /admin/tasks/{taskId}/due': {
      access: 'admin',
      async run(req) {
        const taskId = validate(id, req.params.taskId, 'task id');
        const d = deps();
        const view = await loadTask(d, taskId);
        requireAct(req, view.programme?.programmeId);
        const { csrf: _csrf, ...input } = req.fields;
        try {
          const result = await moveDueDate(d, req.admin, taskId, validate(MoveDueInputSchema, input, 'due'));
          if (req.json) return json(req, 200, result);
          return redirect(req, `${urls.task(taskId)}?done=due-moved`);
        } catch (error) {
          if (!(error instanceof ValidationError) || req.json) throw error;
          return html(req, 400, {
            kind: 'task',
            frame: {
              ...(await frameOf(req, view.programme?.programmeId, view.timeZone)),
              locale: pageLocale(req, view),
            },
            view,
            errors: Object.fromEntries(Object.entries(fieldErrors(error)).map(([k, v]) => [`due.${k}`, v])),
            input: Object.fromEntries(Object.entries(input).map(([k, v]) => [`due.${k}`, v])),
          });
        }
      },
    },
  };
}
