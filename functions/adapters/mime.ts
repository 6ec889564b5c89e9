// A message with attachments as raw MIME (RFC 5322, 2045–2047, 2231), for SES's raw content: multipart/mixed
// with the text and HTML as multipart/alternative, then each file. Everything non-ASCII is base64 (bodies,
// files) or an encoded word (subject, names), so the message is 7-bit clean whatever the language.
// Written here (90 lines) rather than with nodemailer's composer: nodemailer stays out of the SES bundles.
import { randomBytes } from 'node:crypto';
import type { Email } from '#domain/mail.ts';
import { rfc5987 } from '#lib/content-disposition.ts';

const CRLF = '\r\n';
const ASCII = /^[\x20-\x7e]*$/;

/** Base64 in lines of 76 characters, as RFC 2045 asks of a body. */
function base64Lines(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('base64');
  return (text.match(/.{1,76}/g) ?? []).join(CRLF);
}

/** RFC 2047 encoded words of at most 45 bytes each (75 characters encoded), never splitting a character. */
export function encodedWords(value: string): string {
  // A line break in a header value would start a header of its own.
  const text = value.replace(/[\r\n]+/g, ' ');
  if (ASCII.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(`${CRLF} `);
}

/** `Name <a@b>` with the name encoded when it is not plain ASCII; a bare address as it is. */
function mailbox(address: string): string {
  const value = address.replace(/[\r\n]+/g, ' ');
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  if (!match) return value.trim();
  const name = (match[1] ?? '').replace(/^"(.*)"$/, '$1');
  if (!name) return `<${match[2]}>`;
  return `${ASCII.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodedWords(name)} <${match[2]}>`;
}

const boundary = () => `=_pilotflow_${randomBytes(12).toString('hex')}`;

/** The raw message for `email` from `from`, dated `date` (SES adds the Message-ID). */
export function rawMessage(email: Email, from: string, date = new Date()): Uint8Array {
  const mixed = boundary();
  const alternative = boundary();
  const lines = [
    `From: ${mailbox(from)}`,
    `To: ${email.to.map(mailbox).join(', ')}`,
    ...(email.cc?.length ? [`Cc: ${email.cc.map(mailbox).join(', ')}`] : []),
    `Subject: ${encodedWords(email.subject)}`,
    `Date: ${date.toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
  ];
  for (const [type, body] of [
    ['text/plain', email.text],
    ['text/html', email.html],
  ] as const) {
    lines.push(
      `--${alternative}`,
      `Content-Type: ${type}; charset=UTF-8`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.from(body, 'utf8')),
    );
  }
  lines.push(`--${alternative}--`, '');
  for (const file of email.attachments ?? []) {
    lines.push(
      `--${mixed}`,
      // `name` for older readers (one encoded word, as Outlook and Foxmail write it), `filename*` per RFC 2231.
      `Content-Type: ${file.contentType}; name="=?UTF-8?B?${Buffer.from(file.filename).toString('base64')}?="`,
      `Content-Disposition: attachment; filename*=UTF-8''${rfc5987(file.filename)}`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(file.content),
    );
  }
  lines.push(`--${mixed}--`, '');
  return Buffer.from(lines.join(CRLF), 'ascii');
}
