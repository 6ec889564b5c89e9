// Launching a plan from the dashboard by route key: the upload form, the upload (checked like `pilotflow
// validate`: every problem with its line, in the plan's language), the preview of the plan stored under the
// SHA-256 of its text, and the launch of exactly that plan. Launching needs the admin role on the plan's
// programme (`admin`, or `admin:<programme.id>`); a viewer is refused before anything is read or stored.
import * as z from 'zod';
import type { ActionDeps } from '#domain/admin.ts';
import { type LaunchDeps, launchProgramme, priorLaunch } from '#domain/launch.ts';
import { readUploadedPlan } from '#domain/plan-upload.ts';
import { mayLaunch } from '#domain/roles.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '#lib/errors.ts';
import { validate } from '#lib/middleware.ts';
import { parsePlan } from '#plan/load.ts';
import type { Plan } from '#plan/schema.ts';
import { planPreview } from '#presentation/dashboard/plan-preview.ts';
import type { DashboardPage } from '#presentation/dashboard/render.tsx';
import { urls } from '#presentation/dashboard/urls.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import type { Locale } from '#presentation/i18n.ts';
import { getPlanUpload, putPlanUpload } from '#store/plan-uploads.ts';
import { requireAct } from './access.ts';
import { pageLocale } from './pages.ts';
import type { AdminRequest, RouteTable } from './request.ts';
import { frameOf, html, json, redirect } from './respond.ts';

export type PlanDeps = ActionDeps & Pick<LaunchDeps, 'programmeStateMachineArn' | 'startExecution'>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a plan id');

/** A plan's own language for its pages, unless the administrator chose one (`?lang=`, its cookie). */
const localeFor = (req: AdminRequest, locale: Locale) => pageLocale(req, { programme: { locale } });

function requireLaunch(req: AdminRequest): void {
  if (!mayLaunch(req.access)) throw new ForbiddenError('the administrator may only view', 'role');
}

type Framed = Awaited<ReturnType<typeof frameOf>>;

async function page(req: AdminRequest, status: number, locale: Locale, of: (f: Framed) => DashboardPage) {
  return html(req, status, of({ ...(await frameOf(req)), locale }));
}

/**
 * The stored upload and its (valid) plan, for an administrator of its programme; 404 for a plan id nobody
 * uploaded. Read before the role check (reading changes nothing), so that a refusal is in the plan's language.
 */
async function storedPlan(d: PlanDeps, req: AdminRequest) {
  const sha256 = validate(Sha256, req.params.planId, 'plan id');
  const upload = await getPlanUpload(d.store, sha256);
  const parsed = upload && parsePlan(upload.planYaml, upload.source);
  if (!upload || !parsed?.ok) throw new NotFoundError(`no uploaded plan ${sha256}`);
  const plan: Plan = parsed.plan;
  req.locale = localeFor(req, plan.programme.locale);
  requireAct(req, plan.programme.id);
  return { upload, plan };
}

export function planRoutes(deps: () => PlanDeps): RouteTable {
  return {
    'GET /admin/plans/new': {
      access: 'admin',
      async run(req) {
        requireLaunch(req);
        return page(req, 200, req.locale, (frame) => ({ kind: 'plan-upload', frame }));
      },
    },
    'POST /admin/plans': {
      access: 'admin',
      async run(req) {
        const file = req.files?.plan;
        const source = (file?.name || 'plan.yaml').slice(0, 200);
        // Read (not stored) before the role check, so that a viewer's refusal is in the plan's language.
        const read = readUploadedPlan(file?.bytes, source);
        if (!('refused' in read))
          req.locale = localeFor(req, read.ok ? read.parsed.plan.programme.locale : read.parsed.locale);
        requireLaunch(req);
        if ('refused' in read) {
          const status = read.refused === 'too-large' ? 413 : 400;
          if (req.json) throw new ValidationError(`the upload was refused: ${read.refused}`);
          return page(req, status, req.locale, (frame) => ({
            kind: 'plan-upload',
            frame,
            refused: read.refused,
          }));
        }
        if (!read.ok) {
          const { problems } = read.parsed;
          if (req.json) return json(req, 400, { ok: false, source, problems });
          return page(req, 400, req.locale, (frame) => ({
            kind: 'plan-upload',
            frame,
            problems: { source, problems },
          }));
        }
        const { plan } = read.parsed;
        requireAct(req, plan.programme.id);
        const sha256 = await putPlanUpload(deps().store, {
          planYaml: read.planYaml,
          source,
          uploadedAt: deps().now().toISOString(),
          uploadedBy: req.admin.email ?? req.admin.sub,
        });
        if (req.json) return json(req, 200, { ok: true, planId: sha256, preview: urls.plan(sha256) });
        return redirect(req, urls.plan(sha256));
      },
    },
    'GET /admin/plans/{planId}': {
      access: 'admin',
      async run(req) {
        const d = deps();
        const { upload, plan } = await storedPlan(d, req);
        const view = planPreview(plan, upload, await priorLaunch(d, plan), emailTexts);
        if (req.json) return json(req, 200, view);
        return page(req, 200, req.locale, (frame) => ({ kind: 'plan-preview', frame, view }));
      },
    },
    'POST /admin/plans/{planId}/launch': {
      access: 'admin',
      async run(req) {
        const d = deps();
        const { upload } = await storedPlan(d, req);
        const result = await launchProgramme(
          d,
          { planYaml: upload.planYaml, source: upload.source },
          req.admin,
        );
        if (req.json) return json(req, 200, result);
        const done = result.launched ? 'launched' : 'launched-before';
        return redirect(req, `${urls.overview(result.programmeId)}?done=${done}`);
      },
    },
  };
}
