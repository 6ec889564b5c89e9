// The local SES: aws-ses-v2-local (SES v1 and v2 APIs and a web mailbox) running in this process on its own
// port. Its mail store lives in memory in the package, so the local cloud copies it to
// `<data-dir>/ses/emails.json` and loads it back on start: mail survives a restart like everything else.
// The store is one per process, so one local cloud per process uses SES at a time.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './files.ts';

interface StoreModule {
  getStoreReadonly(): { emails: unknown[] };
  clearStore(): void;
}

export interface LocalSes {
  /** The SES API endpoint (both v1 and v2) and the web mailbox. */
  url: string;
  /** Writes the mail store to the data directory now. */
  flush(): void;
  close(): Promise<void>;
}

/** Starts aws-ses-v2-local on `port`, with the mail kept in `dataDir/ses`. */
export async function startSes(options: { port: number; host?: string; dataDir: string }): Promise<LocalSes> {
  const host = options.host ?? '127.0.0.1';
  // The package is CommonJS with `exports.default`: Node's ESM import gives the exports object as default,
  // bundlers and test runners that honour `__esModule` give the function itself.
  type Serve = (config: { host: string; port: number }) => Promise<Server>;
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: Serve | { default: Serve } };
  const serve = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const store = (await import('aws-ses-v2-local/dist/store.js')) as unknown as {
    default: StoreModule;
  } & StoreModule;
  const storeModule: StoreModule = store.default ?? store;
  const file = join(options.dataDir, 'ses', 'emails.json');
  storeModule.clearStore();
  const saved = readJsonFile<unknown[]>(file, []);
  storeModule.getStoreReadonly().emails.push(...saved);

  const server = await serve({ host, port: options.port });
  const { port } = server.address() as AddressInfo;
  const signature = (emails: unknown[]) =>
    `${emails.length}:${(emails.at(-1) as { messageId?: string } | undefined)?.messageId ?? ''}`;
  let written = signature(saved);
  const flush = () => {
    const emails = storeModule.getStoreReadonly().emails;
    if (signature(emails) === written) return;
    writeJsonFile(file, emails);
    written = signature(emails);
  };
  // Polling is enough: mail arrives at human pace, and flush() also runs when the cloud stops.
  const timer = setInterval(flush, 1000);
  timer.unref();
  return {
    url: `http://${host}:${port}`,
    flush,
    async close() {
      clearInterval(timer);
      flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
