// `/_local/clock` as the dashboard's pages use it (their clock bar; the route itself is in ./index.ts): which
// cookie-carried requests are a page's own — this origin, and the page's CSRF token in `X-CSRF-Token` (the
// bar's script) or in the `csrf` field of its plain form (no JavaScript) — and that plain form, whose fields
// become the JSON the clock takes and whose answer is a 303 back to the page it came from.
import { isFormContentType, parseFormBody } from '#lib/form-body.ts';
import { landing as safeBack } from '#lib/oidc.ts';
import { sameOrigin, verifyCsrf } from '#presentation/dashboard/session.ts';
import type { LocalAnswer, LocalRequest } from './http-api.ts';

export const CLOCK_PATH = '/_local/clock';

type Headers = Record<string, string | undefined>;

/**
 * A plain form post: the form type and a body that is not JSON (`curl -d '{"advance":"P1D"}'` sends JSON under
 * the form type, and is the JSON request it has always been).
 */
function isFormPost(headers: Headers, body: Buffer): boolean {
  return isFormContentType(headers['content-type']) && !body.toString('utf8').trimStart().startsWith('{');
}

const formOf = (headers: Headers, body: Buffer) =>
  parseFormBody({
    body: body.toString('utf8'),
    isBase64Encoded: false,
    contentType: headers['content-type'],
  });

/**
 * Whether a request carried by the sign-in cookie is a dashboard page's own (the dashboard's rules,
 * functions/presentation/dashboard/session.ts), so that nothing a page of another site — or of another port
 * on this machine, which is the same site to the cookie — can send moves the clock.
 */
export function dashboardPageRequest(headers: Headers, token: string, origin: string, body: Buffer): boolean {
  if (!sameOrigin(headers, origin)) return false;
  const form =
    headers['x-csrf-token'] === undefined && isFormPost(headers, body) ? formOf(headers, body) : undefined;
  return verifyCsrf(token, headers['x-csrf-token'] ?? (form?.ok ? form.fields.get('csrf') : undefined));
}

type LocalRoute = (request: LocalRequest) => Promise<LocalAnswer>;

/**
 * `local` that also takes the clock bar's plain form: `advance` (`P1D`, `next`…), `speed` or `set`, passed on
 * as the JSON request, and, once the clock has moved, a 303 to `back` (only a dashboard page: no open redirect).
 * A refused form gets the JSON route's answer (400 and what is wrong).
 */
export function clockForms(local: LocalRoute): LocalRoute {
  return async (request) => {
    if (
      request.path !== CLOCK_PATH ||
      request.method !== 'POST' ||
      !isFormPost(request.headers, request.body)
    ) {
      return local(request);
    }
    const form = formOf(request.headers, request.body);
    if (!form.ok) {
      const status = form.problem === 'too-large' ? 413 : 400;
      return { status, body: { message: `the form could not be read: ${form.problem}` } };
    }
    const { fields } = form;
    const speed = fields.get('speed')?.trim();
    const asked = fields.has('set')
      ? { set: fields.get('set') }
      : fields.has('advance')
        ? { advance: fields.get('advance') }
        : speed !== undefined
          ? { speed: /^\d+(?:\.\d+)?$/.test(speed) ? Number(speed) : speed }
          : {};
    const answer = await local({ ...request, body: Buffer.from(JSON.stringify(asked)) });
    if (answer.status !== 200) return answer;
    return { status: 303, headers: { location: safeBack(fields.get('back')) }, body: answer.body };
  };
}
