// Renders a dashboard page to a complete HTML document. preact-render-to-string escapes every text and
// attribute value, so names, comments and reasons typed by people can never become markup.

import { render } from 'preact-render-to-string';
import type { Problem } from '#plan/load.ts';
import type {
  ExecutionView,
  OverviewView,
  PilotView,
  TasksView,
  TaskView,
} from '#presentation/dashboard/views.ts';
import { type Locale, type LocalText, lt, tr } from '../i18n.ts';
import { RefusedPage, SignedOutPage, SigningOutPage } from './access-pages.tsx';
import { ExecutionPage } from './execution.tsx';
import type { AdminFrame } from './frame.ts';
import { OverviewPage } from './overview-page.tsx';
import { AdminLayout } from './page-layout.tsx';
import { PilotPage } from './pilot.tsx';
import { PlanPreviewPage, PlanUploadPage, type UploadRefusal } from './plan-pages.tsx';
import type { PlanPreviewView } from './plan-preview.ts';
import { type AmendFormState, PlanPage, type PlanView } from './programme-plan.tsx';
import { TaskDetailPage } from './task-page.tsx';
import { TasksPage } from './tasks-page.tsx';
import { urls } from './urls.ts';

export type DashboardPage =
  | { kind: 'overview'; frame: AdminFrame; view: OverviewView }
  | { kind: 'pilot'; frame: AdminFrame; view: PilotView }
  | { kind: 'execution'; frame: AdminFrame; view: ExecutionView }
  | { kind: 'tasks'; frame: AdminFrame; view: TasksView }
  | {
      kind: 'task';
      frame: AdminFrame;
      view: TaskView;
      errors?: Record<string, string>;
      input?: Record<string, string>;
    }
  | {
      kind: 'plan-upload';
      frame: AdminFrame;
      refused?: UploadRefusal;
      problems?: { source: string; problems: Problem[] };
    }
  | { kind: 'plan-preview'; frame: AdminFrame; view: PlanPreviewView }
  | { kind: 'plan'; frame: AdminFrame; view: PlanView; form?: AmendFormState }
  | { kind: 'problem'; frame: AdminFrame; status: number; message?: string }
  | { kind: 'refused'; frame: AdminFrame; why: 'act' | 'read' | 'none'; back?: string }
  | { kind: 'signed-out'; locale: Locale; path: string; problem?: 'failed' }
  | { kind: 'signing-out'; locale: Locale; path: string; to: string };

const PROBLEMS: Record<number, { title: LocalText; text: LocalText }> = {
  400: {
    title: lt('请求有误', 'Bad request'),
    text: lt('请求中的内容有误，未作任何更改。', 'Something in the request was wrong; nothing was changed.'),
  },
  403: {
    title: lt('请求被拒绝', 'Refused'),
    text: lt(
      '这个请求不是从本系统的页面发出的，未作任何更改。请刷新页面后重试。',
      'The request did not come from a page of this dashboard; nothing was changed. Reload the page and try again.',
    ),
  },
  404: {
    title: lt('找不到', 'Not found'),
    text: lt('要查看的内容不存在。', 'What you asked for does not exist.'),
  },
  413: {
    title: lt('提交的内容太大', 'Too large'),
    text: lt(
      '提交的内容超过了允许的大小（方案文件最大 256 KB），未作任何更改。',
      'What was sent is larger than allowed (a plan file may be at most 256 KB); nothing was changed.',
    ),
  },
  409: {
    title: lt('情况已变化', 'Things have changed'),
    text: lt(
      '这项操作与当前情况不符（例如任务已经办结），未作任何更改。',
      'The action no longer fits (the task was decided meanwhile, for example); nothing was changed.',
    ),
  },
  500: {
    title: lt('暂时无法处理', 'Something went wrong'),
    text: lt('系统暂时出现问题，请稍后再试。', 'The system has a temporary problem; please try again later.'),
  },
};

function ProblemPage(props: { frame: AdminFrame; status: number; message?: string | undefined }) {
  const { locale } = props.frame;
  const problem = PROBLEMS[props.status] ?? (PROBLEMS[500] as (typeof PROBLEMS)[number]);
  return (
    <AdminLayout frame={{ ...props.frame, liveMs: 0 }} title={problem.title}>
      <h1>{tr(locale, problem.title)}</h1>
      <div class={`status ${props.status >= 500 ? 'warn' : 'stop'}`} role="alert">
        <p>{tr(locale, problem.text)}</p>
      </div>
      {/* The error's own message is English, written for API clients and logs: shown on English pages only. */}
      {props.message && locale === 'en' ? <p class="muted">{props.message}</p> : null}
      <p>
        <a href={urls.home()}>{tr(locale, lt('返回总览', 'Back to the overview'))}</a>
      </p>
    </AdminLayout>
  );
}

function body(page: DashboardPage) {
  switch (page.kind) {
    case 'overview':
      return <OverviewPage frame={page.frame} view={page.view} />;
    case 'pilot':
      return <PilotPage frame={page.frame} view={page.view} />;
    case 'execution':
      return <ExecutionPage frame={page.frame} view={page.view} />;
    case 'tasks':
      return <TasksPage frame={page.frame} view={page.view} />;
    case 'task':
      return <TaskDetailPage frame={page.frame} view={page.view} errors={page.errors} input={page.input} />;
    case 'plan-upload':
      return <PlanUploadPage frame={page.frame} refused={page.refused} problems={page.problems} />;
    case 'plan-preview':
      return <PlanPreviewPage frame={page.frame} view={page.view} />;
    case 'plan':
      return <PlanPage frame={page.frame} view={page.view} form={page.form} />;
    case 'problem':
      return <ProblemPage frame={page.frame} status={page.status} message={page.message} />;
    case 'refused':
      return <RefusedPage frame={page.frame} why={page.why} back={page.back} />;
    case 'signing-out':
      return <SigningOutPage locale={page.locale} path={page.path} to={page.to} />;
    case 'signed-out':
      return <SignedOutPage locale={page.locale} path={page.path} problem={page.problem} />;
  }
}

export function renderDashboard(page: DashboardPage): string {
  return `<!DOCTYPE html>${render(body(page))}`;
}

export function problemTitle(status: number, locale: Locale): string {
  return tr(locale, (PROBLEMS[status] ?? (PROBLEMS[500] as (typeof PROBLEMS)[number])).title);
}
