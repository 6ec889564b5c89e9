// The local SES: aws-ses-v2-local (SES v1 and v2 APIs and a web mailbox) running in this process on its own
// port. Its mail store lives in memory in the package, so the local cloud appends each e-mail to
// `<data-dir>/ses/emails.jsonl` as the store receives it, before SES answers the send: mail that SES accepted
// survives a restart, even one after a SIGKILL, like everything else (a sender never re-sends an accepted
// message, so mail written later could be lost for good). The store is one per process, so one local cloud
// per process uses SES at a time. Each line of the file also carries `clockAt`, the local cloud's clock when
// SES accepted the mail (the simulated time the mailbox page shows), kept beside the store rather than in it:
// `GET /store` answers exactly what aws-ses-v2-local stores. `GET /` is the project's mailbox page
// (mailbox-server.ts) instead of the package's viewer.
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { guardHost } from '../host-check.ts';
import { readJsonFile } from './files.ts';
import { type MailboxSource, mailboxViewer } from './mailbox-server.ts';

interface StoreModule {
  getStoreReadonly(): { emails: unknown[] };
  clearStore(): void;
  saveEmail(email: unknown): void;
}

export interface LocalSes {
  /** The SES API endpoint (both v1 and v2) and the web mailbox. */
  url: string;
  close(): Promise<void>;
}

/** An e-mail as aws-ses-v2-local stores it, with the local cloud's clock when SES accepted it. */
export interface AcceptedEmail {
  email: Record<string, unknown>;
  /** Epoch ms on the local cloud's clock; absent for mail kept before the clock was recorded. */
  clockAt?: number;
}

/** The e-mails kept in `file` (one JSON object a line); a line cut short by a crash is skipped. */
function readMail(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  const emails: Array<Record<string, unknown>> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      emails.push(JSON.parse(line));
    } catch {
      // The last line of a process killed while appending it; everything before it is whole.
    }
  }
  return emails;
}

/** Takes `clockAt` off a kept line (the store gets the e-mail as the package made it) into `times`. */
function withoutClock(line: Record<string, unknown>, times: Map<unknown, number>): Record<string, unknown> {
  const { clockAt, ...email } = line;
  const at = typeof clockAt === 'string' ? Date.parse(clockAt) : Number.NaN;
  if (!Number.isNaN(at)) times.set(email.messageId, at);
  return email;
}

/** The file a data directory's local SES keeps its mail in: one JSON message per line, appended as sent. */
export function mailFileOf(dataDir: string): string {
  return join(dataDir, 'ses', 'emails.jsonl');
}

/**
 * Counts the e-mails a data directory's local SES holds (the cloud may be running), for callers that ask again
 * and again: each call reads only what was appended since the last (one line per e-mail).
 */
export function mailCounter(dataDir: string): () => number {
  const file = mailFileOf(dataDir);
  let offset = 0;
  let count = 0;
  return () => {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size < offset) [offset, count] = [0, 0];
    if (size === offset) return count;
    const fd = openSync(file, 'r');
    try {
      const bytes = Buffer.alloc(size - offset);
      readSync(fd, bytes, 0, bytes.length, offset);
      for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count++;
    } finally {
      closeSync(fd);
    }
    offset = size;
    return count;
  };
}

/**
 * Starts aws-ses-v2-local on `port`, with the mail kept in `dataDir/ses`. `clock` (the local cloud's) dates
 * each accepted mail for the mailbox page; `mailbox` tells the page the language, names and open tasks.
 */
export async function startSes(options: {
  port: number;
  host?: string;
  dataDir: string;
  clock?: { now(): number };
  mailbox?: MailboxSource;
}): Promise<LocalSes> {
  const host = options.host ?? '127.0.0.1';
  // The package is CommonJS with `exports.default`: Node's ESM import gives the exports object as default,
  // bundlers and test runners that honour `__esModule` give the function itself.
  type Serve = (config: { host: string; port: number }) => Promise<Server>;
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: Serve | { default: Serve } };
  const serve = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const store = (await import('aws-ses-v2-local/dist/store.js')) as unknown as {
    default: StoreModule;
  } & StoreModule;
  // The CommonJS exports object itself: the package's handlers call `store_1.saveEmail(…)` through it.
  const storeModule: StoreModule = store.default ?? store;
  const file = mailFileOf(options.dataDir);
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Data directories from before the append-only file kept the mail as one JSON array.
  const legacy = join(dir, 'emails.json');
  if (existsSync(legacy)) {
    const old = readJsonFile<unknown[]>(legacy, []);
    writeFileSync(file, [...old, ...readMail(file)].map((e) => `${JSON.stringify(e)}\n`).join(''), {
      mode: 0o600,
    });
    rmSync(legacy);
  }
  // Message IDs unique as SES's are: the package draws each from 900 million numbers (`ses-` and nine digits), so
  // among a 1,000-pilot rehearsal's ~10,000 e-mails two share one about one run in twenty (it happened, and
  // the rehearsal's driver, which tells mail apart by ID, never read the second: docs/benchmarks.md). Its
  // handlers call `util_1.getMessageId()` through the exports object, as with the store (not sendBulkEmail,
  // which draws its own; the app does not use it).
  const util = (await import('aws-ses-v2-local/dist/util.js')) as unknown as {
    default?: { getMessageId: () => string };
    getMessageId: () => string;
  };
  (util.default ?? util).getMessageId = () => `ses-${randomUUID()}`;
  const clockTimes = new Map<unknown, number>();
  storeModule.clearStore();
  storeModule.getStoreReadonly().emails.push(...readMail(file).map((line) => withoutClock(line, clockTimes)));

  const original = { saveEmail: storeModule.saveEmail, clearStore: storeModule.clearStore };
  storeModule.saveEmail = (email: unknown) => {
    const at = options.clock?.now();
    const line = at === undefined ? email : { ...(email as object), clockAt: new Date(at).toISOString() };
    appendFileSync(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    if (at !== undefined) clockTimes.set((email as { messageId?: unknown }).messageId, at);
    original.saveEmail(email);
  };
  storeModule.clearStore = () => {
    writeFileSync(file, '', { mode: 0o600 });
    clockTimes.clear();
    original.clearStore();
  };
  const accepted = (): AcceptedEmail[] =>
    (storeModule.getStoreReadonly().emails as Array<Record<string, unknown>>).map((email) => {
      const clockAt = clockTimes.get(email.messageId);
      return clockAt === undefined ? { email } : { email, clockAt };
    });

  const server = await serve({ host, port: options.port });
  // The mailbox page answers its own GET routes; everything else (the SES APIs, /store) is the package's.
  const viewer = mailboxViewer(options.mailbox ?? {}, accepted, options.clock);
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (viewer(req, res)) return;
    for (const listener of listeners) listener.call(server, req, res);
  });
  // The web mailbox shows every signed link: no page of another site may read it through a rebound name.
  guardHost(server, host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    async close() {
      storeModule.saveEmail = original.saveEmail;
      storeModule.clearStore = original.clearStore;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
