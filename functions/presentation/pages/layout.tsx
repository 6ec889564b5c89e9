// The frame of every approval page: the document head with the inline stylesheet, a header with the
// programme and the language switch, the content, and a footer saying whom to contact.
import type { ComponentChildren } from 'preact';
import { type Locale, type LocalText, lt, tr } from '../i18n.ts';
import { DocumentHead } from './head.tsx';
import type { ContactView, PageFrame } from './model.ts';
import { CSS } from './style.ts';

/** `?sig=…&lang=…`: the query that keeps a page on its link (sig) in a language. */
export function pageQuery(frame: PageFrame, locale: Locale): string {
  const q = new URLSearchParams();
  if (frame.sig) q.set('sig', frame.sig);
  q.set('lang', locale);
  return `?${q.toString()}`;
}

const OTHER: Record<Locale, { locale: Locale; label: string }> = {
  'zh-CN': { locale: 'en', label: 'English' },
  en: { locale: 'zh-CN', label: '中文' },
};

export function Layout(props: { frame: PageFrame; title: LocalText; children: ComponentChildren }) {
  const { frame } = props;
  const { locale } = frame;
  const other = OTHER[locale];
  return (
    <html lang={locale}>
      <DocumentHead title={tr(locale, props.title)} css={CSS} referrer="no-referrer" />
      <body>
        <div class="page">
          <header class="top">
            <p>{frame.programme ? tr(locale, frame.programme) : 'PilotFlow'}</p>
            <a href={pageQuery(frame, other.locale)} hreflang={other.locale} lang={other.locale}>
              {other.label}
            </a>
          </header>
          <main id="main">{props.children}</main>
          <Footer locale={locale} contact={frame.contact} />
        </div>
      </body>
    </html>
  );
}

function Footer({ locale, contact }: { locale: Locale; contact: ContactView | undefined }) {
  return (
    <footer>
      <p>
        {tr(
          locale,
          lt(
            '如链接无法使用或有疑问，请联系：',
            'If the link does not work or you have a question, contact:',
          ),
        )}
      </p>
      <ContactLine locale={locale} contact={contact} />
    </footer>
  );
}

export function ContactLine({ locale, contact }: { locale: Locale; contact: ContactView | undefined }) {
  if (!contact || (!contact.name && !contact.email && !contact.phone && !contact.text)) {
    return (
      <p>
        {tr(
          locale,
          lt(
            '给您发送这封邮件的单位（邮件中写有联系方式）。',
            'the office that sent you the e-mail (its contact details are in the e-mail).',
          ),
        )}
      </p>
    );
  }
  const who = [contact.unit ? tr(locale, contact.unit) : undefined, contact.name, contact.text]
    .filter(Boolean)
    .join(' ');
  return (
    <p>
      {who}
      {contact.phone ? (
        <>
          {' · '}
          {tr(locale, lt('电话 ', 'phone '))}
          <a href={`tel:${contact.phone.replace(/[^+0-9]/g, '')}`}>{contact.phone}</a>
        </>
      ) : null}
      {contact.email ? (
        <>
          {' · '}
          <a href={`mailto:${contact.email}`}>{contact.email}</a>
        </>
      ) : null}
    </p>
  );
}
