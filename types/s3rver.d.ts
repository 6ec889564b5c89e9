// s3rver 3.7 ships no types: the part the local cloud and the tests use (a local S3-compatible server for the
// evidence files and Distributed Map's ItemReader). `store` is the object store its routes use, set at
// construction on the server and on its Koa context (local/cloud/s3-store.ts replaces it).
declare module 's3rver' {
  export interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string; configs?: unknown[] }>;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    store: unknown;
    context: { store: unknown };
  }
}
