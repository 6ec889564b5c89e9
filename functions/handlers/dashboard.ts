// The administrators' dashboard (API Gateway HTTP API, payload 2.0): one function for every `/admin…` route,
// a table from route key to a small route function (./dashboard/). Pages are HTML by default and the same view
// models as JSON for `Accept: application/json`. Every route but sign-in, its callback and sign-out sits behind
// the admin authorizer; the middlewares send a request without a verified administrator to sign in (401 for an
// API client), refuse browser posts that do not come from the dashboard's own pages, and errors are answered by
// the one error mapping shared with the approval handler (lib/middleware.ts).
//
// The table is keyed by `routeKey`, API Gateway's own answer to which route matched, rather than matched again
// on the path by @middy/http-router: the HTTP API routes every request before the function runs, and a second
// matcher on `requestContext.http.path` (which carries the stage name on a named stage) could only disagree.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { getSfn, getStore } from '#adapters/aws.ts';
import { sendEmail } from '#adapters/mail.ts';
import { linkSigningKey } from '#adapters/secrets.ts';
import { sendTaskSuccess, startExecution } from '#adapters/sfn.ts';
import { sfnApi } from '#adapters/sfn-api.ts';
import type { ActionDeps } from '#domain/admin.ts';
import { requireConfig } from '#lib/config.ts';
import { NotFoundError } from '#lib/errors.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { authorize } from './dashboard/access.ts';
import { actionRoutes } from './dashboard/actions.ts';
import { amendRoutes } from './dashboard/amend.ts';
import { negotiate } from './dashboard/negotiate.ts';
import { pageRoutes } from './dashboard/pages.ts';
import { type PlanDeps, planRoutes } from './dashboard/plans.ts';
import {
  type AdminRequest,
  checkCsrf,
  dashboardRequestOf,
  parseBody,
  type RouteTable,
  readRequest,
} from './dashboard/request.ts';
import { errorPages } from './dashboard/respond.ts';
import { signInRoutes } from './dashboard/sign-in.ts';
import { evidenceStore } from './evidence.ts';

const config = requireConfig('TABLE_NAME');

const machines = {
  ...(config.PROGRAMME_STATE_MACHINE_ARN ? { programme: config.PROGRAMME_STATE_MACHINE_ARN } : {}),
  ...(config.PILOT_STATE_MACHINE_ARN ? { pilot: config.PILOT_STATE_MACHINE_ARN } : {}),
  ...(config.LAUNCH_STATE_MACHINE_ARN ? { launch: config.LAUNCH_STATE_MACHINE_ARN } : {}),
  ...(config.IMPLEMENTATION_STATE_MACHINE_ARN
    ? { implementation: config.IMPLEMENTATION_STATE_MACHINE_ARN }
    : {}),
  ...(config.EVALUATION_STATE_MACHINE_ARN ? { evaluation: config.EVALUATION_STATE_MACHINE_ARN } : {}),
};

function deps(): ActionDeps {
  return {
    store: getStore(),
    sfn: sfnApi(getSfn()),
    now: () => new Date(),
    machines,
    sendEmail,
    texts: emailTexts,
    linkSigningKey,
    apiBaseUrl: config.API_BASE_URL ?? '',
    sendTaskSuccess,
    evidence: evidenceStore(),
  };
}

function planDeps(): PlanDeps {
  return {
    ...deps(),
    programmeStateMachineArn: config.PROGRAMME_STATE_MACHINE_ARN ?? '',
    startExecution,
  };
}

/** Every route of DASHBOARD_ROUTES and DASHBOARD_PUBLIC_ROUTES (infra/constructs/dashboard.ts), by route key. */
export const ROUTES: RouteTable = {
  ...pageRoutes(deps),
  ...actionRoutes(deps),
  ...planRoutes(planDeps),
  ...amendRoutes(deps),
  ...signInRoutes,
};

async function route(event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> {
  const req = dashboardRequestOf(context);
  const found = ROUTES[event.routeKey];
  if (!req || !found) throw new NotFoundError(`no page for ${event.routeKey}`);
  // authorize() has set the administrator of every route that is not public.
  return found.access === 'public' ? found.run(req) : found.run(req as AdminRequest);
}

export const handler = httpHandler(route, errorPages, [
  negotiate(),
  readRequest(),
  authorize(ROUTES),
  parseBody(),
  checkCsrf(ROUTES),
]);
