// The one layout of every e-mail: a message is a list of blocks (paragraphs, facts, a link, a list, a quote)
// rendered twice, as plain text and as HTML (preact escapes every value, so names and comments from a plan or
// a form cannot inject markup). Subject, heading, whom to contact and the footer are the same for all.

import { render } from 'preact-render-to-string';
import type { RenderedEmail } from '#domain/mail.ts';
import type { Contact } from '#plan/schema.ts';
import { MAIL } from '../words.ts';
import type { Locale } from './i18n.ts';

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'facts'; rows: Array<[label: string, value: string]> }
  | { kind: 'link'; label: string; url: string; note?: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'quote'; label: string; text: string };

export interface Message {
  locale: Locale;
  subject: string;
  /** The programme line above the heading, e.g. the plan's title. */
  programme: string;
  heading: string;
  greeting?: string;
  blocks: Block[];
  /** Whom to contact with questions: the lead unit's name and its first contact. */
  contact?: { unit: string; person: Contact };
}

export type { RenderedEmail };

export function renderMessage(message: Message): RenderedEmail {
  return { subject: message.subject, text: renderText(message), html: renderHtml(message) };
}

function contactLine(m: Message): string | undefined {
  if (!m.contact) return undefined;
  const { unit, person } = m.contact;
  const name = m.locale === 'en' ? (person.nameEn ?? person.name) : person.name;
  return MAIL[m.locale].contact(unit, name, person.email, person.phone);
}

const footer = (locale: Locale) => MAIL[locale].footer;

/** A label's colon: full-width in Chinese. */
const colon = (locale: Locale) => (locale === 'en' ? ': ' : '：');

function renderText(m: Message): string {
  const out: string[] = [m.programme, '', m.heading, ''];
  if (m.greeting) out.push(m.greeting, '');
  for (const block of m.blocks) {
    switch (block.kind) {
      case 'p':
        out.push(block.text, '');
        break;
      case 'facts':
        for (const [label, value] of block.rows) out.push(`${label}${colon(m.locale)}${value}`);
        out.push('');
        break;
      case 'link':
        out.push(`${block.label}${colon(m.locale)}`, block.url, ...(block.note ? [block.note] : []), '');
        break;
      case 'list':
        for (const item of block.items) out.push(`- ${item}`);
        out.push('');
        break;
      case 'quote':
        out.push(
          `${block.label}${colon(m.locale)}`,
          ...block.text.split('\n').map((line) => `> ${line}`),
          '',
        );
        break;
    }
  }
  const contact = contactLine(m);
  if (contact) out.push(contact, '');
  out.push('--', footer(m.locale));
  return `${out.join('\n')}\n`;
}

const font = 'font-family:-apple-system,"PingFang SC","Microsoft YaHei",Helvetica,Arial,sans-serif';

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'p':
      return <p style="margin:0 0 14px;line-height:1.6">{block.text}</p>;
    case 'facts':
      return (
        <table role="presentation" style="border-collapse:collapse;margin:0 0 14px;width:100%">
          <tbody>
            {block.rows.map(([label, value]) => (
              <tr key={label}>
                <th style="text-align:left;vertical-align:top;padding:4px 12px 4px 0;color:#555;font-weight:normal;white-space:nowrap">
                  {label}
                </th>
                <td style="padding:4px 0">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'link':
      return (
        <p style="margin:18px 0">
          <a
            href={block.url}
            style="display:inline-block;background:#b4232a;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-size:16px"
          >
            {block.label}
          </a>
          <br />
          <span style="font-size:12px;color:#666;word-break:break-all">{block.url}</span>
          {block.note ? (
            <>
              <br />
              <span style="font-size:12px;color:#666">{block.note}</span>
            </>
          ) : null}
        </p>
      );
    case 'list':
      return (
        <ul style="margin:0 0 14px;padding-left:20px;line-height:1.6">
          {block.items.map((item, i) => (
            <li key={i}>{item}</li>
          ))}
        </ul>
      );
    case 'quote':
      return (
        <div style="margin:0 0 14px">
          <div style="color:#555">{block.label}</div>
          <blockquote style="margin:4px 0 0;padding:8px 12px;border-left:4px solid #ddd;background:#f7f7f7;white-space:pre-wrap">
            {block.text}
          </blockquote>
        </div>
      );
  }
}

function renderHtml(m: Message): string {
  const contact = contactLine(m);
  const body = (
    <html lang={m.locale === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{m.subject}</title>
      </head>
      <body style={`margin:0;padding:0;background:#f2f2f2;${font};color:#222;font-size:15px`}>
        <div style="max-width:600px;margin:0 auto;background:#ffffff;padding:24px">
          <div style="color:#b4232a;font-size:13px;margin-bottom:8px">{m.programme}</div>
          <h1 style="font-size:20px;margin:0 0 16px">{m.heading}</h1>
          {m.greeting ? <p style="margin:0 0 14px">{m.greeting}</p> : null}
          {m.blocks.map((block, i) => (
            <BlockView key={i} block={block} />
          ))}
          {contact ? <p style="margin:18px 0 0;font-size:13px;color:#555">{contact}</p> : null}
          <hr style="border:none;border-top:1px solid #eee;margin:18px 0" />
          <p style="font-size:12px;color:#888;margin:0">{footer(m.locale)}</p>
        </div>
      </body>
    </html>
  );
  return `<!doctype html>${render(body)}`;
}
