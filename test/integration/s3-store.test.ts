// The local S3 server's listing (local/cloud/s3-store.ts) against s3rver's own, on one folder of objects put
// through s3rver: for every prefix and start-after below, the same objects with the same sizes, in S3's key
// order (UTF-8 bytes). With a delimiter, S3's common prefixes (s3rver's own walk skips every folder below a
// common prefix and so lists none of them; nothing in PilotFlow lists with one). A page of MaxKeys is the
// first keys in order, marked truncated. And a listing reads only the folder its prefix names: a broken entry
// beside the pilots' folders, which s3rver's own walk stats and fails on, does not touch it.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrefixListingStore } from '#local/cloud/s3-store.ts';

const BUCKET = 'fixture-bucket';
// s3rver's default account, which it accepts any V4 signature from.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const KEYS = [
  'evidence/p1/town-1/t1/photos/u1/现场照片.jpg',
  'evidence/p1/town-1/t1/photos/u2/会议记录.pdf',
  'evidence/p1/town-1/t1/document/u3/方案.pdf',
  'evidence/p1/town-1/t2/photos/u4/a.jpg',
  'evidence/p1/town-10/t3/photos/u5/b.jpg',
  'evidence/p1/town-1-c01/t4/photos/u6/c.jpg',
  'evidence/p1/town-2/t5/photos/u7/d.jpg',
  'evidence/p2/town-1/t6/photos/u8/e.jpg',
  'a-b.txt',
  'a/b.txt',
  'a/',
  'top.txt',
];

let dir: string;
const servers: S3rver[] = [];
let own: S3Client;
let theirs: S3Client;

async function serve(store?: (directory: string) => unknown): Promise<S3Client> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  if (store) server.store = server.context.store = store(dir);
  servers.push(server);
  const { port } = await server.run();
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: CREDENTIALS,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pilotflow-s3-store-'));
  const setup = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET }],
  });
  servers.push(setup);
  theirs = await serve();
  own = await serve((d) => new PrefixListingStore(d));
  await setup.run();
  for (const [i, key] of KEYS.entries()) {
    await theirs.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x'.repeat(i + 1) }));
  }
});

afterAll(async () => {
  for (const server of servers) await server.close();
  own?.destroy();
  theirs?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * A listing, one page (all of it here): the keys with their sizes in the order given, and the common prefixes.
 */
async function list(client: S3Client, input: Omit<ListObjectsV2CommandInput, 'Bucket'>) {
  const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, ...input }));
  expect(page.IsTruncated).toBe(false);
  return {
    objects: (page.Contents ?? []).map((o) => `${o.Key} ${o.Size}`),
    prefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
  };
}

describe('the local S3 listing', () => {
  const cases: Array<Omit<ListObjectsV2CommandInput, 'Bucket'>> = [
    {},
    { Prefix: 'evidence/' },
    { Prefix: 'evidence/p1/town-1' },
    { Prefix: 'evidence/p1/town-1/' },
    { Prefix: 'evidence/p1/town-1/t1/photos/' },
    { Prefix: 'evidence/p1/town-1/t1/photos/u2/会' },
    { Prefix: 'evidence/p3/' },
    { Prefix: 'a' },
    { Prefix: 'a/' },
    { StartAfter: 'evidence/p1/town-10' },
    { Prefix: 'evidence/', StartAfter: 'evidence/p1/town-1/t2' },
  ];
  it.each(cases)('lists what s3rver lists, in key order: %o', async (input) => {
    const mine = await list(own, input);
    const s3rvers = await list(theirs, input);
    expect(mine.objects).toEqual([...s3rvers.objects].sort(bytes));
    expect(mine.prefixes).toEqual([]);
  });

  it('gives the keys that start with the prefix in key order, whatever folders they are in', async () => {
    const { objects } = await list(own, { Prefix: 'evidence/p1/town-1' });
    expect(objects.map((o) => o.split(' ')[0])).toEqual([
      'evidence/p1/town-1-c01/t4/photos/u6/c.jpg',
      'evidence/p1/town-1/t1/document/u3/方案.pdf',
      'evidence/p1/town-1/t1/photos/u1/现场照片.jpg',
      'evidence/p1/town-1/t1/photos/u2/会议记录.pdf',
      'evidence/p1/town-1/t2/photos/u4/a.jpg',
      'evidence/p1/town-10/t3/photos/u5/b.jpg',
    ]);
  });

  it.each([
    [{ Delimiter: '/' }, ['a-b.txt', 'top.txt'], ['a/', 'evidence/']],
    [
      { Prefix: 'evidence/p1/', Delimiter: '/' },
      [],
      ['evidence/p1/town-1-c01/', 'evidence/p1/town-1/', 'evidence/p1/town-10/', 'evidence/p1/town-2/'],
    ],
    [
      { Prefix: 'evidence/p1/town-1', Delimiter: '/' },
      [],
      ['evidence/p1/town-1-c01/', 'evidence/p1/town-1/', 'evidence/p1/town-10/'],
    ],
    [{ Prefix: 'a/', Delimiter: '/' }, ['a/', 'a/b.txt'], []],
  ])('rolls keys up to common prefixes at the delimiter, as S3 does: %o', async (input, keys, prefixes) => {
    const mine = await list(own, input);
    expect(mine.objects.map((o) => o.split(' ')[0])).toEqual(keys);
    expect(mine.prefixes).toEqual(prefixes);
  });

  it('gives the first maxKeys keys in order and marks the listing truncated', async () => {
    // The store itself: s3rver answers a truncated page with a DES-encrypted continuation token, which Node.js
    // 24's OpenSSL 3 refuses (an InternalError whatever the store).
    const whole = (await list(own, { Prefix: 'evidence/' })).objects.map((o) => o.split(' ')[0]);
    expect(whole).toEqual(KEYS.filter((k) => k.startsWith('evidence/')).sort(bytes));
    const page = await new PrefixListingStore(dir).listObjects(BUCKET, { prefix: 'evidence/', maxKeys: 3 });
    expect(page.isTruncated).toBe(true);
    expect(page.objects.map((o) => (o as { key: string }).key)).toEqual(whole.slice(0, 3));
  });

  it("reads only the folder a task's prefix names, not the other pilots' folders", async () => {
    // A broken entry beside the pilots' folders: a walk from the bucket's top stats it, and fails.
    symlinkSync(join(dir, 'nowhere'), join(dir, BUCKET, 'evidence', 'p1', 'broken'));
    const prefix = 'evidence/p1/town-1/t1/photos/';
    await expect(list(theirs, { Prefix: prefix })).rejects.toThrow();
    const mine = await list(own, { Prefix: prefix });
    expect(mine.objects.map((o) => o.split(' ')[0])).toEqual([
      'evidence/p1/town-1/t1/photos/u1/现场照片.jpg',
      'evidence/p1/town-1/t1/photos/u2/会议记录.pdf',
    ]);
  });
});
