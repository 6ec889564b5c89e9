// E-mail through an SMTP server, for regions without SES (AWS's China regions): the same Email as the SES
// transport, sent with nodemailer. The server and its credentials come from a Secrets Manager secret (JSON,
// SmtpSettingsSchema). TLS is always required: implicit TLS (`secure`, port 465) or STARTTLS, never plain text.
// nodemailer is imported on first use only: with the SES transport the CDK app leaves it out of the bundles.
import type { Transporter } from 'nodemailer';
import * as z from 'zod';
import type { Email } from '#domain/mail.ts';
import { TransientError } from '#lib/errors.ts';

export const SmtpSettingsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  /** true: TLS from the first byte (usually port 465); false: STARTTLS, which is then required (587 or 25). */
  secure: z.boolean(),
  user: z.string().min(1),
  password: z.string().min(1),
  /** PEM certificates of a private CA that signed the server's certificate, if it is not publicly trusted. */
  ca: z.string().includes('-----BEGIN CERTIFICATE-----').optional(),
  /** The name the server's certificate carries, when it differs from `host`. */
  servername: z.string().min(1).optional(),
});
export type SmtpSettings = z.infer<typeof SmtpSettingsSchema>;

/** The host the stack's placeholder secret holds until an operator puts the real settings in. */
export const PLACEHOLDER_HOST = 'smtp.invalid';

export class SmtpConfigurationError extends Error {
  override name = 'SmtpConfigurationError';
}

/** Parses the secret's value, naming every problem (never the values: the password must not reach a log). */
export function parseSmtpSettings(value: unknown, source = 'the SMTP secret'): SmtpSettings {
  let json = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      throw new SmtpConfigurationError(`${source} is not JSON`);
    }
  }
  const parsed = SmtpSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SmtpConfigurationError(`${source} is not valid: ${problems.join('; ')}`);
  }
  if (parsed.data.host === PLACEHOLDER_HOST) {
    throw new SmtpConfigurationError(
      `${source} still holds the placeholder: put the SMTP server's settings in it (README, "Deploy to AWS")`,
    );
  }
  return parsed.data;
}

let cached: { key: string; transporter: Transporter } | undefined;

async function transporterFor(settings: SmtpSettings): Promise<Transporter> {
  const key = JSON.stringify(settings);
  if (cached?.key === key) return cached.transporter;
  const nodemailer = (await import('nodemailer')).default;
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure,
    auth: { user: settings.user, pass: settings.password },
    tls: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
      ...(settings.ca ? { ca: settings.ca } : {}),
      ...(settings.servername ? { servername: settings.servername } : {}),
    },
    // One connection per message: a pooled socket would not survive the function being frozen between calls.
    pool: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  cached = { key, transporter };
  return transporter;
}

/** nodemailer's codes for failures of the connection rather than of the message. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
]);

/** Sends `email` from `from` and resolves to the Message-ID the message went out with. */
export async function sendSmtp(email: Email, from: string, settings: SmtpSettings): Promise<string> {
  const transporter = await transporterFor(settings);
  try {
    const info = (await transporter.sendMail({
      from,
      to: email.to,
      ...(email.cc?.length ? { cc: email.cc } : {}),
      subject: email.subject,
      text: email.text,
      html: email.html,
      ...(email.attachments?.length
        ? {
            attachments: email.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: Buffer.from(a.content),
            })),
          }
        : {}),
      // Kept on the message for the recipients' server logs, as SES keeps its message tags.
      ...(email.tags ? { headers: { 'X-PilotFlow-Tags': new URLSearchParams(email.tags).toString() } } : {}),
    })) as { messageId?: string };
    return info.messageId ?? '';
  } catch (error) {
    const e = error as Error & { code?: string; responseCode?: number };
    // 4xx replies are temporary by RFC 5321 (greylisting, a full mailbox queue, a busy server).
    const temporary = e.responseCode !== undefined && e.responseCode >= 400 && e.responseCode < 500;
    if (temporary || (e.code !== undefined && TRANSIENT_CODES.has(e.code))) {
      throw new TransientError(`SMTP: ${e.message}`, { cause: error });
    }
    throw error;
  }
}
