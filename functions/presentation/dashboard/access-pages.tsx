// The pages around signing in: the signed-out page (where the identity provider's logout returns, and where
// a failed sign-in lands) and the refusal of an action the administrator's role does not allow.
import { type Locale, lt, tr } from '../i18n.ts';
import type { AdminFrame } from './frame.ts';
import { AdminLayout, PlainLayout } from './page-layout.tsx';
import { urls } from './urls.ts';

export const ACCESS_WORDS = {
  signedOutTitle: lt('已退出登录', 'Signed out'),
  signedOut: lt(
    '您已退出 PilotFlow 管理后台，登录会话已在身份服务中一并结束。',
    'You have signed out of the PilotFlow dashboard; your session with the identity provider has ended too.',
  ),
  failedTitle: lt('登录未完成', 'Sign-in did not complete'),
  failed: lt(
    '登录未能完成（可能已超时，或是从另一个窗口开始的）。请重新登录。',
    'The sign-in did not complete (it may have timed out, or was started in another window). Please sign in again.',
  ),
  signIn: lt('登录', 'Sign in'),
  signingOutTitle: lt('正在退出登录', 'Signing out'),
  signingOut: lt(
    '已清除本浏览器的登录状态，正在结束身份服务中的会话……',
    'This browser’s session is cleared; ending the session with the identity provider…',
  ),
  continue: lt('继续', 'Continue'),
  refusedTitle: lt('无权执行此操作', 'Not allowed'),
  refused: lt(
    '您的账号只有查看权限，不能执行这项操作，未作任何更改。如需办理，请联系管理员为您开通办理权限。',
    'Your account may only view, not act; nothing was changed. Ask an administrator to add you to the admin group.',
  ),
  otherProgramme: lt('您的账号无权查看这个试点项目。', 'Your account may not see this programme.'),
  noRole: lt(
    '您的账号尚未开通管理后台的查看或办理权限，暂时不能查看。请联系管理员。',
    'Your account is in no dashboard group (admin or viewer) yet, so it cannot see the dashboard. Ask an administrator.',
  ),
  back: lt('返回上一页', 'Back to the previous page'),
  home: lt('返回总览', 'Back to the overview'),
};

export function SignedOutPage(props: { locale: Locale; path: string; problem?: 'failed' | undefined }) {
  const { locale } = props;
  const failed = props.problem === 'failed';
  const title = failed ? ACCESS_WORDS.failedTitle : ACCESS_WORDS.signedOutTitle;
  return (
    <PlainLayout locale={locale} title={title} path={props.path}>
      <h1>{tr(locale, title)}</h1>
      <div class={`status ${failed ? 'warn' : 'ok'}`} role={failed ? 'alert' : 'status'}>
        <p>{tr(locale, failed ? ACCESS_WORDS.failed : ACCESS_WORDS.signedOut)}</p>
      </div>
      <p>
        <a href={urls.signIn()}>{tr(locale, ACCESS_WORDS.signIn)}</a>
      </p>
    </PlainLayout>
  );
}

/**
 * After sign-out clears the cookie: on to the provider's logout. Not a redirect of the form's post, which the
 * pages' `form-action 'self'` would stop at the provider's origin, but a refresh (the response's `Refresh`
 * header) and a link.
 */
export function SigningOutPage(props: { locale: Locale; path: string; to: string }) {
  const { locale } = props;
  return (
    <PlainLayout locale={locale} title={ACCESS_WORDS.signingOutTitle} path={props.path}>
      <h1>{tr(locale, ACCESS_WORDS.signingOutTitle)}</h1>
      <p>{tr(locale, ACCESS_WORDS.signingOut)}</p>
      <p>
        <a href={props.to}>{tr(locale, ACCESS_WORDS.continue)}</a>
      </p>
    </PlainLayout>
  );
}

/** 403 for a role: what was refused, why, and the way back. */
export function RefusedPage(props: {
  frame: AdminFrame;
  why: 'act' | 'read' | 'none';
  back?: string | undefined;
}) {
  const { locale } = props.frame;
  return (
    <AdminLayout frame={{ ...props.frame, liveMs: 0 }} title={ACCESS_WORDS.refusedTitle}>
      <h1>{tr(locale, ACCESS_WORDS.refusedTitle)}</h1>
      <div class="status stop" role="alert">
        <p>
          {tr(
            locale,
            props.why === 'none'
              ? ACCESS_WORDS.noRole
              : props.why === 'read'
                ? ACCESS_WORDS.otherProgramme
                : ACCESS_WORDS.refused,
          )}
        </p>
      </div>
      <p>
        {props.back ? (
          <a href={props.back}>{tr(locale, ACCESS_WORDS.back)}</a>
        ) : (
          <a href={urls.home()}>{tr(locale, ACCESS_WORDS.home)}</a>
        )}
      </p>
    </AdminLayout>
  );
}
