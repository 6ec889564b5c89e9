// A local SMTP server that captures what it receives (npm smtp-server), for the SMTP transport's tests: TLS
// with a certificate made for this run (openssl, signed by itself, trusted by the client through `ca`),
// authentication with one user, and every message parsed back with mailparser.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { SmtpSettings } from '#adapters/smtp.ts';

export interface CapturedMail {
  /** Envelope: MAIL FROM and RCPT TO, as the server saw them. */
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
  /** The raw message, to check its encoding. */
  raw: string;
}

export interface SmtpCapture {
  /** Settings that reach this server, as the SMTP secret would hold them. */
  settings: SmtpSettings;
  received: CapturedMail[];
  close: () => Promise<void>;
}

export interface SmtpCaptureOptions {
  /** Offer STARTTLS (default true): without it the server speaks plain text only. */
  tls?: boolean;
  /** Answer RCPT TO with this code and message instead of accepting (e.g. 451 greylisting). */
  rejectRecipient?: { code: number; message: string };
}

/** A self-signed certificate for localhost and 127.0.0.1, valid for a day. */
function makeCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pilotflow-smtp-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const { key, cert } = makeCertificate();
  const user = 'pilotflow';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const received: CapturedMail[] = [];
  const serverOptions: SMTPServerOptions = {
    key,
    cert,
    secure: false,
    ...(options.tls === false ? { disabledCommands: ['STARTTLS'], hideSTARTTLS: true } : {}),
    authMethods: ['PLAIN', 'LOGIN'],
    // Authentication only over TLS, as a real relay requires (the default); plain-text servers get no AUTH.
    allowInsecureAuth: options.tls === false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      const reject = options.rejectRecipient;
      if (reject) callback(Object.assign(new Error(reject.message), { responseCode: reject.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((mail) => {
            received.push({
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              from: mail.from?.text ?? '',
              to: addresses(mail.to),
              cc: addresses(mail.cc),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              headers: mail.headers as Map<string, unknown>,
              attachments: mail.attachments.map((a) => ({
                filename: a.filename ?? '',
                contentType: a.contentType,
                content: a.content,
              })),
              raw: raw.toString('utf8'),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    settings: { host: 'localhost', port, secure: false, user, password, ca: cert },
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
