// The frame of every approval page: the document head with the inline stylesheet, a header with the
// programme, the content, and a footer saying whom to contact. One language per page: the plan's.
import type { ComponentChildren } from 'preact';
import { type Locale, type LocalText, tr } from '../i18n.ts';
import { PAGE } from '../words.ts';
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

export function Layout(props: { frame: PageFrame; title: LocalText; children: ComponentChildren }) {
  const { frame } = props;
  const { locale } = frame;
  return (
    <html lang={locale}>
      <DocumentHead
        title={tr(locale, props.title)}
        css={CSS}
        referrer="no-referrer"
        site={tr(locale, PAGE.site)}
      />
      <body>
        <div class="page">
          <header class="top">
            <p>{tr(locale, frame.programme ?? PAGE.site)}</p>
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
      <p>{tr(locale, PAGE.footerAsk)}</p>
      <ContactLine locale={locale} contact={contact} />
    </footer>
  );
}

export function ContactLine({ locale, contact }: { locale: Locale; contact: ContactView | undefined }) {
  if (!contact || (!contact.name && !contact.email && !contact.phone && !contact.text)) {
    return <p>{tr(locale, PAGE.footerSender)}</p>;
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
          {tr(locale, PAGE.phone)}
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
