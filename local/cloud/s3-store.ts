// s3rver's file store (one file per object under <data-dir>/s3/<bucket>/<key>) with a listing that reads only
// the folder a prefix names. s3rver 3.7 walks a listing from the bucket's top and stats every entry of every
// folder on the way down, synchronously, on the local cloud's main thread: a task's evidence listing
// (`evidence/<programme>/<pilot>/<task>/<field>/`) stat'ed every pilot's folder of the programme, 8.1 ms a
// listing among 1,000 pilots' folders, and a 1,000-pilot rehearsal lists 22,054 times (docs/benchmarks.md, "The
// local S3's listings"). Here a listing starts at the deepest folder its prefix names whole (1.5 ms there),
// tells folders from files by the directory entries (no stat), and gives keys in S3's order (UTF-8 bytes),
// which s3rver's walk, in the file system's order, does not. Everything else is s3rver's own store.
import { type Dirent, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}

interface Listing {
  objects: unknown[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

/** The part of s3rver's FilesystemStore (lib/stores/filesystem.js, no types) that the listing uses. */
interface FilesystemStore {
  getBucketPath(bucket: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  listObjects(bucket: string, options: ListOptions): Promise<Listing>;
}
type FilesystemStoreClass = (new (
  directory: string,
) => FilesystemStore) & {
  encodeKeyPath(key: string): string;
  decodeKeyPath(path: string): string;
};

const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as FilesystemStoreClass;
const S3Object = require('s3rver/lib/models/object.js') as new (
  bucket: string,
  key: string,
  content: null,
  metadata: Record<string, string>,
) => unknown;

/** How s3rver names an object's content file: `<last key segment>._S3rver_object`. */
const OBJECT_SUFFIX = '._S3rver_object';

/** Byte order of UTF-8 strings, S3's order of keys. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class PrefixListingStore extends FilesystemStore {
  override async listObjects(
    bucket: string,
    { delimiter = '', startAfter = '', prefix = '', maxKeys = Number.POSITIVE_INFINITY }: ListOptions,
  ): Promise<Listing> {
    // Every key a prefix matches lies in the folder of the prefix's part up to its last '/'.
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const found: string[] = [];
    const walk = (folder: string, keyBase: string) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const name = FilesystemStore.decodeKeyPath(entry.name);
        if (entry.isDirectory()) {
          const below = `${keyBase}${name}/`;
          // Only a folder whose keys can start with the prefix.
          if (below.startsWith(prefix) || prefix.startsWith(below)) walk(join(folder, entry.name), below);
        } else if (name.endsWith(OBJECT_SUFFIX)) {
          const key = keyBase + name.slice(0, -OBJECT_SUFFIX.length);
          if (key.startsWith(prefix) && byBytes(key, startAfter) > 0) found.push(key);
        }
      }
    };
    walk(join(this.getBucketPath(bucket), FilesystemStore.encodeKeyPath(base)), base);
    found.sort(byBytes);

    const keys: string[] = [];
    const commonPrefixes = new Set<string>();
    let isTruncated = false;
    for (const key of found) {
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (cut !== -1) {
        commonPrefixes.add(key.slice(0, cut + delimiter.length));
      } else if (keys.length < maxKeys) {
        keys.push(key);
      } else {
        isTruncated = true;
        break;
      }
    }
    const metadata = await Promise.all(
      keys.map((key) =>
        this.getMetadata(bucket, key).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        }),
      ),
    );
    return {
      objects: keys.flatMap((key, i) => {
        const meta = metadata[i];
        return meta ? [new S3Object(bucket, key, null, meta)] : [];
      }),
      commonPrefixes: [...commonPrefixes].sort(byBytes),
      isTruncated,
    };
  }
}
