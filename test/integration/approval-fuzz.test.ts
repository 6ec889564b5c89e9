// Generated requests to the approval handler (fast-check), as API Gateway v2 events: odd bodies (any text,
// broken percent-escapes, invalid UTF-8, repeated keys, huge fields, base64 or not, any content type), odd
// query strings and odd events (no headers, cookies, no path parameter, any method). Never a 500; a refusal
// writes nothing but its own audit event; a valid submission decides once. Longer runs: `npm run test:soak`
// (5× the cases here, not 20×: every case scans the table to prove that nothing else was written).
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formToken } from '#domain/links.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { getTask } from '#store/tasks.ts';
import { approvalEvent, type EventParts, httpEvent } from '#test/support/api-gateway.ts';
import { type ApprovalBed, type OpenedTask, SIGNING_KEY, startApprovalBed } from '#test/support/approval.ts';
import { DAY } from '#test/support/escalation.ts';
import { fuzzTimeout, runs } from '#test/support/fuzz.ts';
import { type HandlerEnv, startHandlerEnv } from '#test/support/handlers.ts';

let bed: ApprovalBed;
let env: HandlerEnv;
let open: OpenedTask;
let link: OpenedTask['links'][number];

// The handler reads the real clock: the links expire a month from now.
const inAMonth = () => new Date(Date.now() + 30 * DAY).toISOString();

beforeAll(async () => {
  bed = await startApprovalBed();
  env = await startHandlerEnv({
    store: bed.store,
    linkKey: SIGNING_KEY,
    env: { AWS_ENDPOINT_URL_SFN: bed.sfnEndpoint },
  });
  open = await bed.openTask({ dueAt: inAMonth(), expiresAt: inAMonth() });
  link = open.links[0] as OpenedTask['links'][number];
});

afterAll(async () => {
  await env?.close();
  await bed?.close();
});

type Response = APIGatewayProxyStructuredResultV2;
type Item = Record<string, unknown>;

const invoke = (event: unknown) => env.invoke<Response>('approval', event);

// The table as the previous case left it: each case scans once, after its request (a refusal writes nothing
// else, so the next case starts from there). Cleared by anything else that writes.
let lastScan: Item[] | undefined;
async function itemsBefore(): Promise<Item[]> {
  lastScan ??= await bed.items();
  return lastScan;
}
async function itemsAfter(): Promise<Item[]> {
  lastScan = await bed.items();
  return lastScan;
}

/**
 * What a refused request may leave behind: its `link.refused` audit event and the claim that keeps it to one
 * per link, reason and hour. Anything else added, and anything changed, is a write that should not be.
 */
function unexpectedWrites(before: Item[], after: Item[]): string[] {
  const old = new Map(before.map((i) => [`${i.pk}\n${i.sk}`, JSON.stringify(i)]));
  const problems: string[] = [];
  for (const item of after) {
    const key = `${item.pk}\n${item.sk}`;
    const was = old.get(key);
    if (was === undefined) {
      const refusal =
        (String(item.pk).startsWith('AUDIT#') && item.action === 'link.refused') ||
        String(item.pk) === 'ONCE#link-refused';
      if (!refusal) problems.push(`added ${key}`);
    } else if (was !== JSON.stringify(item)) problems.push(`changed ${key}`);
  }
  return problems;
}

function expectCleanAnswer(r: Response, what: string): void {
  expect(r.statusCode, what).toBeGreaterThanOrEqual(200);
  expect(r.statusCode, what).toBeLessThan(500);
  expect(r.headers?.['Content-Security-Policy'] ?? r.headers?.['content-security-policy'], what).toBeTruthy();
}

// ---- Generators -----------------------------------------------------------------------------------------

const BROKEN_ESCAPES = [
  '%',
  '%G1',
  '%C3%28',
  '%FF',
  '%ED%A0%80',
  '%E4%B8',
  '%00',
  '%%',
  '%2',
  '+%2B+',
  '%EF%BF%BF',
];
const NAMES = ['token', 'decision', 'comment', 'f.score.party-leadership', 'f.document', 'f.', 'lang', 'sig'];

const encodedText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(...BROKEN_ESCAPES),
  fc
    .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...BROKEN_ESCAPES))
    .map(([a, b]) => encodeURIComponent(a) + b),
);

const formish = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), encodedText), encodedText, fc.boolean()), {
    maxLength: 12,
  })
  .map((pairs) => pairs.map(([k, v, bare]) => (bare ? k : `${k}=${v}`)).join('&'));

const huge = fc
  .tuple(fc.constantFrom('comment=', 'f.document=', '', 'token='), fc.integer({ min: 60_000, max: 200_000 }))
  .map(([name, n]) => name + 'a'.repeat(n));

const body = fc.oneof(
  { weight: 5, arbitrary: formish },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.constantFrom('', '&', '=', '&&&', '=&=', 'token', 'a=1&a=1') },
);

const contentType = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=UTF-8',
      'application/x-www-form-urlencoded;charset="utf-8"',
      'APPLICATION/X-WWW-FORM-URLENCODED',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded; charset=gbk',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/json',
      '',
      ';;;',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Never the link's real form token: so no generated request may decide the task. */
const wrongToken = fc.oneof(
  fc.constant(''),
  fc.constant('x'.repeat(43)),
  fc.constant(formToken(SIGNING_KEY, 'a'.repeat(22))),
  fc.string({ maxLength: 60 }).map(encodeURIComponent),
);

const query = (sig: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(`sig=${sig}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        '',
        `sig=${sig}&sig=${sig}`,
        `sig=${sig}&lang=en`,
        `sig=${sig}&lang=${encodeURIComponent('"><script>')}`,
        `sig=${sig}%`,
        `sig=%ZZ${sig}`,
        `sig=${sig.slice(1)}`,
        `SIG=${sig}`,
        `sig=${'A'.repeat(5000)}`,
        `sig=${sig}&lang=%C3%28`,
      ),
    },
    { weight: 1, arbitrary: encodedText.map((t) => `sig=${t}`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  );

// ---- Properties -----------------------------------------------------------------------------------------

describe('generated POST bodies and query strings without the form token', () => {
  it(
    'are refused without a 500, and write nothing but their refusal audit',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          body,
          contentType,
          fc.boolean(),
          wrongToken,
          query(link.sig),
          async (raw, type, base64, token, rawQueryString) => {
            const before = await itemsBefore();
            const text = raw.startsWith('token=') ? raw : `token=${token}&${raw}`;
            const event = approvalEvent('POST', link, undefined, {
              rawQueryString,
              headers: type === undefined ? {} : { 'content-type': type },
              body: base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
              isBase64Encoded: base64,
            });
            const r = await invoke(event);
            const what = `${r.statusCode} ${type} ${rawQueryString.slice(0, 80)} ${text.slice(0, 200)}`;
            expectCleanAnswer(r, what);
            expect(r.statusCode, what).not.toBe(200);
            expect(unexpectedWrites(before, await itemsAfter()), what).toEqual([]);
          },
        ),
        { numRuns: runs(60, 5) },
      );
      expect((await getTask(bed.store, open.task.taskId))?.status).toBe('open');
    },
    fuzzTimeout(120_000, 10),
  );
});

describe('generated field values with the right form token', () => {
  it(
    'either decide the task once (200) or are refused with the form shown again, never a 500',
    async () => {
      const field = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.constantFrom('', '88', '100', '101', '-1', '1e3', 'NaN', ' 88 ', '８８', 'javascript:alert(1)'),
        fc.constantFrom(
          'https://docs.xx-town.example/plan.pdf',
          'http://',
          `https://x.example/${'a'.repeat(5000)}`,
        ),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constant('\r\n'.repeat(100)),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constantFrom('approve', 'return', 'reject'), fc.string({ maxLength: 12 })),
          field,
          field,
          field,
          async (decision, comment, score, document) => {
            const opened = await bed.openTask({ dueAt: inAMonth(), expiresAt: inAMonth() });
            lastScan = undefined;
            const l = opened.links[0] as OpenedTask['links'][number];
            const before = await bed.items();
            const r = await invoke(
              approvalEvent('POST', l, {
                token: formToken(SIGNING_KEY, l.linkId),
                decision,
                comment,
                'f.score.party-leadership': score,
                'f.document': document,
              }),
            );
            const what = `${r.statusCode} ${JSON.stringify({ decision, comment, score, document }).slice(0, 300)}`;
            expectCleanAnswer(r, what);
            const task = await getTask(bed.store, opened.task.taskId);
            const recorded = (await listAuditOfTask(bed.store, opened.task.taskId)).filter(
              (e) => e.action === 'decision.recorded',
            );
            if (r.statusCode === 200) {
              expect(task?.status, what).toBe('decided');
              expect(recorded, what).toHaveLength(1);
            } else {
              expect([400, 422], what).toContain(r.statusCode);
              expect(task?.status, what).toBe('open');
              expect(unexpectedWrites(before, await bed.items()), what).toEqual([]);
            }
          },
        ),
        { numRuns: runs(25, 4) },
      );
    },
    fuzzTimeout(120_000, 10),
  );
});

describe('generated API Gateway events', () => {
  it(
    'with odd methods, headers, cookies, encodings and path parameters get a page, never a 500',
    async () => {
      const parts: fc.Arbitrary<EventParts> = fc.record({
        method: fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'get', 'post'),
        route: fc.constant('/a/{linkId}'),
        pathParameters: fc.oneof(
          fc.constant({ linkId: link.linkId }),
          fc.constant({}),
          fc.record({ linkId: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('a'.repeat(10_000))) }),
        ),
        rawQueryString: query(link.sig),
        headers: fc.oneof(
          fc.constant(null),
          fc.constant({}),
          fc.dictionary(
            fc.constantFrom(
              'content-type',
              'Content-Type',
              'cookie',
              'accept-language',
              'x-forwarded-for',
              'host',
            ),
            fc.string({ maxLength: 80 }),
          ),
        ),
        cookies: fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
        body: fc.oneof(fc.constant(undefined), body),
        isBase64Encoded: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(parts, async (p) => {
          const before = await itemsBefore();
          const event = httpEvent(p);
          // API Gateway sends the method in requestContext as received; the route key's is normalised.
          const r = await invoke(event);
          const what = `${r.statusCode} ${JSON.stringify(p).slice(0, 300)}`;
          expectCleanAnswer(r, what);
          expect(unexpectedWrites(before, await itemsAfter()), what).toEqual([]);
        }),
        { numRuns: runs(60, 5) },
      );
      expect((await getTask(bed.store, open.task.taskId))?.status).toBe('open');
    },
    fuzzTimeout(120_000, 10),
  );
});
