// The dashboard over HTTP on the local cloud, with the real app and the sample plan launched (every pilot's
// launch waiting on its acknowledgements): the admin authorizer lets in only a valid token (a browser without
// one is sent to sign in, an API client gets 401); the JSON API answers the pages' view models; each action is audited with who and why,
// and refused from another site.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ExecutionView,
  OverviewView,
  PilotView,
  TasksView,
  TaskView,
} from '#presentation/dashboard/views.ts';
import { listAuditOfPilot, listAuditOfTask } from '#store/audit.ts';
import { getTask, listTasksOfPilot } from '#store/tasks.ts';
import { httpEvent } from '#test/support/api-gateway.ts';
import {
  bearer,
  cookie,
  csrfOf,
  forgedTokens,
  getJson,
  newestLink,
  postForm,
  postJson,
  tokenWithGroups,
  toPlanReview,
} from '#test/support/dashboard.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

let env: SampleCloud;
let api: string;
const PROGRAMME = 'xx-county-community-governance-2023';

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  api = env.cloud.endpoints.api;
}, 900_000);

afterAll(async () => {
  await env?.stop();
});

/** Every admin route, with a real id or ARN where it takes one. */
async function adminRoutes(): Promise<Array<[string, string]>> {
  const tasks = await getJson<TasksView>(env, `/admin/tasks?programme=${PROGRAMME}`);
  const task = tasks.tasks[0]!;
  const arn = encodeURIComponent(task.executionArn);
  return [
    ['GET', '/admin'],
    ['GET', `/admin/programmes/${PROGRAMME}`],
    ['GET', `/admin/programmes/${PROGRAMME}/pilots/gucheng`],
    ['GET', '/admin/tasks'],
    ['GET', `/admin/tasks/${task.taskId}`],
    ['POST', `/admin/tasks/${task.taskId}/resend`],
    ['POST', `/admin/tasks/${task.taskId}/reassign`],
    ['GET', `/admin/executions/${arn}`],
    ['POST', `/admin/executions/${arn}/stop`],
  ];
}

describe('signing in', () => {
  it('sends a browser without a session on every admin route to sign in, and answers an API client 401', async () => {
    const routes = await adminRoutes();
    for (const [method, path] of routes) {
      const browser = await fetch(`${api}${path}`, {
        method,
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        ...(method === 'POST' ? { body: 'reason=test' } : {}),
        redirect: 'manual',
      });
      expect(browser.status, `${method} ${path}`).toBe(303);
      expect(browser.headers.get('location'), `${method} ${path}`).toMatch(/^\/admin\/auth\/sign-in\?back=/);
      const client = await fetch(`${api}${path}`, {
        method,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{"reason":"test"}' } : {}),
      });
      expect(client.status, `${method} ${path}`).toBe(401);
      expect(await client.text()).toBe('{"message":"Unauthorized"}');
    }
  });

  it('has no clock route of its own: the local cloud’s clock is its /_local/clock, which AWS has not', async () => {
    const before = env.cloud.lambda.invocations;
    const res = await fetch(`${api}/admin/clock`, {
      method: 'POST',
      headers: { ...bearer(env), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'advance=P1D',
    });
    expect(res.status).toBe(404);
    expect(env.cloud.lambda.invocations).toBe(before);
  });

  it('answers 401 to forged, tampered, expired and foreign tokens, in the header or the cookie', async () => {
    for (const [what, token] of Object.entries(await forgedTokens(env))) {
      const ways: Array<Record<string, string>> = [
        { authorization: `Bearer ${token}` },
        { cookie: `pilotflow_admin=${token}` },
      ];
      for (const headers of ways) {
        const res = await fetch(`${api}/admin`, { headers: { ...headers, accept: 'application/json' } });
        expect(res.status, what).toBe(401);
        expect(await res.text(), what).not.toContain('<html');
      }
    }
  });

  it('lets the local administrator in with the token in the header or the cookie', async () => {
    for (const headers of [bearer(env), cookie(env)]) {
      const res = await fetch(`${api}/admin`, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('reads a token sent without `Bearer ` as the authorizer does, so an API client’s POST acts', async () => {
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=jiefangjie&unit=finance')).tasks;
    const res = await fetch(`${api}/admin/tasks/${task!.taskId}/resend`, {
      method: 'POST',
      headers: {
        authorization: env.cloud.endpoints.adminToken,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: '令牌未带 Bearer 前缀' }),
    });
    expect(res.status).toBe(200);
    const audit = await listAuditOfTask(env.store, task!.taskId);
    expect(audit.find((e) => e.action === 'task.link-resent')?.details).toMatchObject({
      reason: '令牌未带 Bearer 前缀',
    });
  });

  it('answers 401, not 500, to a request that reaches the function with an administrator but no session', async () => {
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=jiefangjie&unit=finance')).tasks;
    const dashboard = env.cloud.resources.functions.find((f) => /Dashboard/.test(f.path));
    // As a route deployed with an authorizer that takes its token from elsewhere: no header, no cookie.
    const event = httpEvent({
      method: 'POST',
      route: '/admin/tasks/{taskId}/resend',
      pathParameters: { taskId: task!.taskId },
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ reason: '无会话' }),
    });
    const lambda = { session: 'valid', sub: 'someone', groups: '["admin"]' };
    const verified = { ...event, requestContext: { ...event.requestContext, authorizer: { lambda } } };
    const result = await env.cloud.invoke(dashboard!.arn, verified);
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({ statusCode: 401, body: '{"message":"Unauthorized"}' });
  });
});

describe('roles from the groups', () => {
  const as = (token: string) => ({ authorization: `Bearer ${token}`, accept: 'application/json' });
  const resend = async (token: string, taskId: string) =>
    fetch(`${api}/admin/tasks/${taskId}/resend`, {
      method: 'POST',
      headers: { ...as(token), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: '按权限测试重发' }),
    });

  it('shows a programme-scoped viewer their programme only, and refuses their action', async () => {
    const token = await tokenWithGroups(env, [`viewer:${PROGRAMME}`]);
    const home = await fetch(`${api}/admin`, { headers: as(token) });
    expect(home.status).toBe(200);
    const view = (await home.json()) as OverviewView;
    expect(view.programme.programmeId).toBe(PROGRAMME);
    expect(view.programmes.map((p) => p.programmeId)).toEqual([PROGRAMME]);
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=zhangshu')).tasks;
    expect((await resend(token, task!.taskId)).status).toBe(403);
  });

  it('refuses the programme’s pages to someone whose groups name another programme', async () => {
    const token = await tokenWithGroups(env, ['viewer:another-programme', 'admin:another-programme']);
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=zhangshu')).tasks;
    for (const path of [
      `/admin/programmes/${PROGRAMME}`,
      `/admin/programmes/${PROGRAMME}/pilots/zhangshu`,
      `/admin/tasks?programme=${PROGRAMME}`,
      `/admin/tasks/${task!.taskId}`,
    ]) {
      expect((await fetch(`${api}${path}`, { headers: as(token) })).status, path).toBe(403);
    }
    const before = (await listAuditOfTask(env.store, task!.taskId)).length;
    expect((await resend(token, task!.taskId)).status).toBe(403);
    expect((await listAuditOfTask(env.store, task!.taskId)).length).toBe(before);
  });

  it('lets an admin of the programme act on its tasks, audited with who acted', async () => {
    const token = await tokenWithGroups(env, [`admin:${PROGRAMME}`]);
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=zhangshu')).tasks;
    expect((await resend(token, task!.taskId)).status).toBe(200);
    const audit = await listAuditOfTask(env.store, task!.taskId);
    expect(audit.find((e) => e.action === 'task.link-resent')?.actor).toBe('admin:admin@pilotflow.local');
  });

  it('refuses someone in no group of the dashboard', async () => {
    const token = await tokenWithGroups(env, ['Staff']);
    expect((await fetch(`${api}/admin`, { headers: as(token) })).status).toBe(403);
  });
});

describe('the JSON API', () => {
  it('answers the overview: six pilots, each with its launch waiting on whom, and the counts', async () => {
    const view = await getJson<OverviewView>(env, '/admin');
    expect(view.page).toBe('overview');
    expect(view.programme.programmeId).toBe(PROGRAMME);
    expect(view.pilots.map((p) => p.pilotId)).toEqual([
      'xx-town',
      'caotang',
      'gucheng',
      'donghelu',
      'zhangshu',
      'jiefangjie',
    ]);
    for (const pilot of view.pilots) {
      expect(pilot.cells.map((c) => c.state)).toEqual(['waiting', 'not-started', 'not-started']);
      expect(pilot.cells[0]?.waitingOn.length).toBeGreaterThan(0);
      expect(pilot.cells[0]?.executionArn).toMatch(/:execution:PilotFlow-Launch:/);
    }
    expect(view.counts.pilots).toBe(6);
    expect(view.counts.open).toBeGreaterThan(6);
    expect(view.windows.map((w) => w.stage)).toEqual(['launch', 'implementation', 'evaluation']);
  });

  it('answers a pilot: its executions with graphs and what is current, its tasks and its trail', async () => {
    const view = await getJson<PilotView>(env, `/admin/programmes/${PROGRAMME}/pilots/gucheng`);
    expect(view.executions.map((e) => [e.stage, e.execution?.status ?? 'not started'])).toEqual([
      ['pilot', 'RUNNING'],
      ['launch', 'RUNNING'],
      ['implementation', 'not started'],
      ['evaluation', 'not started'],
    ]);
    const launch = view.executions[1]!;
    expect(launch.current).toEqual(expect.arrayContaining(['Acknowledge the pilot tasks']));
    expect(launch.graph?.statuses['Acknowledge the pilot tasks']).toBe('current');
    expect(launch.graph?.statuses['Wait for the launch window']).toBe('done');
    expect(Object.values(view.executions[2]!.graph!.statuses).every((s) => s === 'not-reached')).toBe(true);
    expect(view.tasks.length).toBeGreaterThan(1);
    expect(view.trail.map((e) => e.action)).toEqual(expect.arrayContaining(['stage.started', 'task.opened']));
    expect(JSON.stringify(view)).not.toMatch(/taskToken"\s*:\s*"[^…]/);
  });

  it('answers an execution: its graph and its history in words, tokens redacted', async () => {
    const pilot = await getJson<PilotView>(env, `/admin/programmes/${PROGRAMME}/pilots/gucheng`);
    const arn = pilot.executions[1]!.executionArn;
    const view = await getJson<ExecutionView>(env, `/admin/executions/${encodeURIComponent(arn)}`);
    expect(view.execution).toMatchObject({ executionArn: arn, machine: 'Launch', status: 'RUNNING' });
    expect(view.canStop).toBe(true);
    expect(view.parentArn).toMatch(/:execution:PilotFlow-Pilot:/);
    const wait = view.history.find((h) => h.state === 'Wait for the launch window');
    expect(wait?.detail?.en).toMatch(/^Waits until 2022-12-31T16:00:00.000Z/);
    expect(view.history.some((h) => h.title.en === 'Human task sent; waiting for the decision')).toBe(true);
    expect(JSON.stringify(view.history)).not.toMatch(/"taskToken":\s*"[^…]/);
  });

  it('refuses an ARN that is not an execution’s, and answers 404 for one that does not exist', async () => {
    const bad = await fetch(`${api}/admin/executions/not-an-arn`, {
      headers: { ...bearer(env), accept: 'application/json' },
    });
    expect(bad.status).toBe(400);
    const missing = encodeURIComponent(
      'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Launch:nobody',
    );
    const gone = await fetch(`${api}/admin/executions/${missing}`, {
      headers: { ...bearer(env), accept: 'application/json' },
    });
    expect(gone.status).toBe(404);
  });

  it('answers the tasks, filtered and latest first, and one task with its links', async () => {
    const all = await getJson<TasksView>(env, '/admin/tasks');
    expect(all.tasks.length).toBe(all.counts.open);
    const finance = await getJson<TasksView>(env, '/admin/tasks?unit=finance');
    expect(finance.tasks.length).toBeGreaterThan(0);
    expect(finance.tasks.every((t) => t.units.some((u) => u.unitId === 'finance'))).toBe(true);
    const gucheng = await getJson<TasksView>(env, '/admin/tasks?pilot=gucheng&stage=launch');
    expect(gucheng.tasks.every((t) => t.pilotId === 'gucheng' && t.stage === 'launch')).toBe(true);
    const dues = all.tasks.map((t) => t.dueAt);
    expect(dues).toEqual([...dues].sort());
    const task = await getJson<TaskView>(env, `/admin/tasks/${all.tasks[0]!.taskId}`);
    expect(task.task.taskId).toBe(all.tasks[0]!.taskId);
    expect(task.links.length).toBeGreaterThan(0);
    expect(task.links[0]?.linkHint).toMatch(/^…[A-Za-z0-9_-]{4}$/);
    expect(task.canAct).toBe(true);
  });
});

describe('actions', () => {
  it('resends a task’s link, audited with who and why', async () => {
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=donghelu&unit=finance')).tasks;
    const before = (await env.cloud.mailbox.list({ to: 'caizheng@xx-county.example', subject: /东河路社区/ }))
      .length;
    const res = await postJson(env, `/admin/tasks/${task!.taskId}/resend`, { reason: '对方说没有收到邮件' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sentTo: ['caizheng@xx-county.example'] });
    const mails = await env.cloud.mailbox.list({ to: 'caizheng@xx-county.example', subject: /东河路社区/ });
    expect(mails.length).toBe(before + 1);
    const audit = await listAuditOfTask(env.store, task!.taskId);
    expect(audit.find((e) => e.action === 'task.link-resent')).toMatchObject({
      actor: 'admin:admin@pilotflow.local',
      details: { reason: '对方说没有收到邮件', sentTo: ['caizheng@xx-county.example'] },
    });
  });

  it('refuses a reason that is missing, changing nothing', async () => {
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=donghelu&unit=finance')).tasks;
    const res = await postJson(env, `/admin/tasks/${task!.taskId}/resend`, { reason: ' ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: Array<{ path: string }> }).issues[0]?.path).toBe('reason');
  });

  it('reassigns a review to another contact of the unit: the old links are refused, the new one works', async () => {
    await toPlanReview(env, '古城社区');
    const old = await Promise.all(
      ['minzheng@xx-county.example', 'minzheng-office@xx-county.example'].map((to) =>
        newestLink(env, /古城社区：审核实施方案/, to),
      ),
    );
    const task = await env.taskOf(old[0]!);
    // As a browser: the task page gives the form its CSRF token.
    const page = await fetch(`${api}/admin/tasks/${task.taskId}`, { headers: cookie(env) });
    const csrf = csrfOf(await page.text());
    const res = await postForm(env, `/admin/tasks/${task.taskId}/reassign`, {
      csrf,
      to: 'minzheng-office@xx-county.example',
      reason: '李华股长出差，由王芳办理',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/tasks/${task.taskId}?done=reassigned`);
    expect((await getTask(env.store, task.taskId))?.assignees.map((a) => a.email)).toEqual([
      'minzheng-office@xx-county.example',
    ]);
    for (const link of old) {
      const refused = await fetch(link.url);
      expect(refused.status, link.to).toBe(410);
      // The old link's page says who has the task now; the newcomer's own old link, to use the newest e-mail.
      const text = await refused.text();
      if (link === old[0]) expect(text).toContain('此事项已转交给 王芳 办理');
      else expect(text).toContain('请使用最新邮件中的链接');
    }
    const fresh = await newestLink(env, /古城社区：审核实施方案/, 'minzheng-office@xx-county.example');
    expect(fresh.linkId).not.toBe(old[1]!.linkId);
    expect((await fetch(fresh.url)).status).toBe(200);
    const audit = await listAuditOfTask(env.store, task.taskId);
    expect(audit.find((e) => e.action === 'task.reassigned')).toMatchObject({
      actor: 'admin:admin@pilotflow.local',
      details: { reason: '李华股长出差，由王芳办理', to: { email: 'minzheng-office@xx-county.example' } },
    });
  });

  it('lists the files of the plan under review with short-lived download links, for a signed-in reader only', async () => {
    // The review of 古城社区's plan, which the pilot submitted with a file (toPlanReview, above).
    const [review] = await env.links({ subject: /古城社区：审核实施方案/ });
    const task = await env.taskOf(review!);
    const view = await getJson<TaskView>(env, `/admin/tasks/${task.taskId}`);
    const [file] = view.files?.submitted ?? [];
    expect(view.files?.submitted.map((f) => f.name)).toEqual(['实施方案.pdf']);
    const download = await fetch(file!.url);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(file!.size);
    const anonymous = await fetch(`${api}/admin/tasks/${task.taskId}`, {
      headers: { accept: 'application/json' },
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('X-Amz-Signature');
  });

  it('refuses a form post from another site or without the CSRF token, changing nothing', async () => {
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=zhangshu&unit=finance')).tasks;
    const page = await fetch(`${api}/admin/tasks/${task!.taskId}`, { headers: cookie(env) });
    const csrf = csrfOf(await page.text());
    const path = `/admin/tasks/${task!.taskId}/resend`;
    // Counted before and after: another test (the programme admin's) may have resent this task's link already.
    const resent = async () =>
      (await listAuditOfTask(env.store, task!.taskId)).filter((e) => e.action === 'task.link-resent').length;
    const before = await resent();
    const foreign = await postForm(env, path, { csrf, reason: '测试' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const tokenless = await postForm(env, path, { reason: '测试' });
    expect(tokenless.status).toBe(403);
    expect(await resent()).toBe(before);
  });

  it('stops a stage’s execution with a reason: its tasks are cancelled and the pilot is recorded as stopped', async () => {
    const pilot = await getJson<PilotView>(env, `/admin/programmes/${PROGRAMME}/pilots/caotang`);
    const arn = pilot.executions[1]!.executionArn;
    const res = await postJson(env, `/admin/executions/${encodeURIComponent(arn)}/stop`, {
      reason: '试点单位调整，暂停试点',
    });
    expect(res.status).toBe(200);
    await env.cloud.whenIdle();
    const view = await getJson<ExecutionView>(env, `/admin/executions/${encodeURIComponent(arn)}`);
    expect(view.execution.status).toBe('ABORTED');
    expect(view.canStop).toBe(false);
    const tasks = await listTasksOfPilot(env.store, PROGRAMME, 'caotang');
    expect(tasks.filter((t) => t.status === 'open')).toEqual([]);
    const overview = await getJson<OverviewView>(env, '/admin');
    const caotang = overview.pilots.find((p) => p.pilotId === 'caotang');
    expect(caotang?.cells[0]?.state).toBe('failed');
    expect(caotang?.outcome).toBe('stopped');
    const audit = await listAuditOfPilot(env.store, PROGRAMME, 'caotang');
    expect(audit.find((e) => e.action === 'execution.stopped')).toMatchObject({
      actor: 'admin:admin@pilotflow.local',
      details: { reason: '试点单位调整，暂停试点' },
    });
    const again = await postJson(env, `/admin/executions/${encodeURIComponent(arn)}/stop`, {
      reason: '再次停止',
    });
    expect(again.status).toBe(409);
  });
});
