// The frame of every dashboard page: the head with the dashboard's stylesheet and refresh script, a header
// with the navigation, the language switch and sign-out, the local cloud's clock controls and mailbox link
// when there is one, and the content.
import type { ComponentChildren } from 'preact';
import { formatDateTime, type Locale, type LocalText, lt, tr } from '../i18n.ts';
import { DocumentHead } from '../pages/head.tsx';
import type { AdminFrame } from './frame.ts';
import { PLAN_WORDS } from './plan-words.ts';
import { DASHBOARD_CSS, LIVE_SCRIPT } from './style.ts';
import { urls } from './urls.ts';

/**
 * The local cloud's clock endpoint (local/cloud/clock-route.ts), on the same origin as the dashboard: the forms
 * post to it directly, the script with the CSRF token in `X-CSRF-Token`, without JavaScript as a plain form
 * with its `csrf` field, answered by a 303 back to `back`.
 */
// Under /admin, where the browser sends the session cookie (lib/oidc.ts); the local cloud answers it there too.
const LOCAL_CLOCK = '/admin/_local/clock';

const OTHER: Record<Locale, { locale: Locale; label: string; param: string }> = {
  'zh-CN': { locale: 'en', label: 'English', param: 'en' },
  en: { locale: 'zh-CN', label: '中文', param: 'zh' },
};

/** A hidden field with the CSRF token, in every form that changes something. */
export function Csrf({ frame }: { frame: AdminFrame }) {
  return <input type="hidden" name="csrf" value={frame.csrf} />;
}

function LocalBar({ frame }: { frame: AdminFrame }) {
  const { locale, local } = frame;
  if (!local) return null;
  const clock = local.clock;
  // With JavaScript the script posts them and waits for the clock to settle (LIVE_SCRIPT in ./style.ts).
  const button = (advance: string, label: LocalText) => (
    <form method="post" action={LOCAL_CLOCK} data-clock={LOCAL_CLOCK}>
      <Csrf frame={frame} />
      <input type="hidden" name="back" value={frame.path} />
      <input type="hidden" name="advance" value={advance} />
      <button type="submit">{tr(locale, label)}</button>
    </form>
  );
  return (
    <section class="localbar" aria-label={tr(locale, lt('本地云', 'Local cloud'))}>
      <span>
        <strong>{tr(locale, lt('本地云时钟：', 'Local clock: '))}</strong>
        {clock ? (
          <>
            <time datetime={clock.now}>{formatDateTime(clock.now, locale, frame.timeZone)}</time>
            {` · ${tr(locale, lt('速度', 'speed'))} ×${clock.speed}`}
            {clock.nextTimerAt ? (
              <>
                {` · ${tr(locale, lt('下一个定时器', 'next timer'))} `}
                <time datetime={clock.nextTimerAt}>
                  {formatDateTime(clock.nextTimerAt, locale, frame.timeZone)}
                </time>
              </>
            ) : null}
          </>
        ) : (
          tr(locale, lt('（无法读取）', '(unavailable)'))
        )}
      </span>
      {button('P1D', lt('前进一天', '+1 day'))}
      {button('P7D', lt('前进一周', '+1 week'))}
      {button('next', lt('到下一个定时器', 'To the next timer'))}
      <form method="post" action={LOCAL_CLOCK} data-clock={LOCAL_CLOCK}>
        <Csrf frame={frame} />
        <input type="hidden" name="back" value={frame.path} />
        <label for="clock-speed" class="sr-only">
          {tr(locale, lt('速度', 'Speed'))}
        </label>
        <input
          id="clock-speed"
          name="speed"
          type="text"
          inputMode="decimal"
          value={String(clock?.speed ?? 1)}
          autocomplete="off"
        />
        <button type="submit">{tr(locale, lt('设置速度', 'Set speed'))}</button>
      </form>
      {local.mailboxUrl ? (
        <a href={local.mailboxUrl} rel="noopener noreferrer">
          {tr(locale, lt('本地邮箱', 'Local mailbox'))}
        </a>
      ) : null}
    </section>
  );
}

export function AdminLayout(props: { frame: AdminFrame; title: LocalText; children: ComponentChildren }) {
  const { frame } = props;
  const { locale } = frame;
  const other = OTHER[locale];
  const overview = frame.programmeId ? urls.overview(frame.programmeId) : urls.home();
  return (
    <html lang={locale}>
      <DocumentHead title={tr(locale, props.title)} css={DASHBOARD_CSS} referrer="same-origin" />
      <body data-live-ms={frame.liveMs > 0 ? String(frame.liveMs) : undefined}>
        <div class="page wide">
          <header class="top admin">
            <nav aria-label={tr(locale, lt('主导航', 'Main'))}>
              <a class="brand" href={overview}>
                PilotFlow · {tr(locale, lt('管理', 'Admin'))}
              </a>
              <a href={overview}>{tr(locale, lt('总览', 'Overview'))}</a>
              <a href={urls.tasks(frame.programmeId ? { programme: frame.programmeId } : {})}>
                {tr(locale, lt('任务', 'Tasks'))}
              </a>
              {frame.canLaunch ? <a href={urls.newPlan()}>{tr(locale, PLAN_WORDS.nav)}</a> : null}
            </nav>
            <nav aria-label={tr(locale, lt('账户', 'Account'))}>
              <a
                href={urls.withQuery(frame.path, { lang: other.param })}
                hreflang={other.locale}
                lang={other.locale}
              >
                {other.label}
              </a>
              <span>{frame.admin.email ?? frame.admin.name ?? frame.admin.sub}</span>
              <form method="post" action={urls.signOut()}>
                <Csrf frame={frame} />
                <button type="submit" class="linkish">
                  {tr(locale, lt('退出', 'Sign out'))}
                </button>
              </form>
            </nav>
          </header>
          <LocalBar frame={frame} />
          <main id="main">
            {frame.notice ? (
              <div class={`status ${frame.notice.tone}`} role="status">
                <p>{tr(locale, frame.notice.text)}</p>
              </div>
            ) : null}
            {props.children}
          </main>
        </div>
        <script dangerouslySetInnerHTML={{ __html: LIVE_SCRIPT }} />
      </body>
    </html>
  );
}

/** The frame of pages shown before sign-in (the sign-in page, its errors): no navigation, no script. */
export function PlainLayout(props: {
  locale: Locale;
  title: LocalText;
  path: string;
  children: ComponentChildren;
}) {
  const { locale } = props;
  const other = OTHER[locale];
  return (
    <html lang={locale}>
      <DocumentHead title={tr(locale, props.title)} css={DASHBOARD_CSS} referrer="same-origin" />
      <body>
        <div class="page">
          <header class="top">
            <p>PilotFlow · {tr(locale, lt('管理', 'Admin'))}</p>
            <a
              href={urls.withQuery(props.path, { lang: other.param })}
              hreflang={other.locale}
              lang={other.locale}
            >
              {other.label}
            </a>
          </header>
          <main id="main">{props.children}</main>
        </div>
      </body>
    </html>
  );
}
