// S3: s3rver (an S3-compatible server from npm) with its files under <data-dir>/s3, behind the front that
// checks signatures, presigned URLs' expiry and browser uploads' POST policies on the local clock
// (s3-front.ts). The template's buckets are created at start; their files survive a restart.
import { join } from 'node:path';
import S3rver from 's3rver';
import type { Clock } from '../../clock.ts';
import type { LocalAws } from '../../dynamodb-local.ts';
import { makePrivateDir } from '../files.ts';
import { startS3Front } from '../s3-front.ts';
import { PrefixListingStore } from '../s3-store.ts';
import type { Service } from './compose.ts';

export interface S3Service extends Service {
  /** The S3 endpoint (path-style: `<url>/<bucket>/<key>`). */
  url: string;
  buckets: string[];
}

export async function startS3(options: {
  buckets: string[];
  dataDir: string;
  /** Policies and presigned URLs expire on it. */
  clock: Pick<Clock, 'now'>;
  port: number;
  host: string;
  /** The credentials the cloud's functions and tools are given (LocalCloud's `aws`). */
  aws: LocalAws;
}): Promise<S3Service> {
  const { accessKeyId, secretAccessKey } = options.aws.credentials;
  const directory = join(options.dataDir, 's3');
  // The evidence files are the officials' documents: no other user of the machine enters their folder.
  makePrivateDir(directory);
  // s3rver listens on loopback only, on any port: everything reaches it through the front.
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  // Its own store but for listing, which reads only the folder a prefix names (s3-store.ts).
  s3rver.store = s3rver.context.store = new PrefixListingStore(directory);
  const { port } = await s3rver.run();
  try {
    const front = await startS3Front({
      host: options.host,
      port: options.port,
      target: { host: '127.0.0.1', port },
      now: () => options.clock.now(),
      // The credentials every local function and tool is given; S3 would know the account's keys.
      secretOf: (id) => (id === accessKeyId ? secretAccessKey : undefined),
    });
    return {
      url: front.url,
      buckets: options.buckets,
      async stop() {
        try {
          await front.close();
        } finally {
          await s3rver.close();
        }
      },
    };
  } catch (error) {
    await s3rver.close();
    throw error;
  }
}
