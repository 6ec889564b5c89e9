// The local S3 server: s3rver (an S3-compatible server from npm, files under <data-dir>/s3) behind a front that
// checks what s3rver does not: SigV4 signatures and presigned URLs' expiry on the local cloud's clock
// (s3-sigv4.ts), and browser uploads' POST policies (s3-post-policy.ts). A refused request gets S3's own XML
// error and reaches nothing; an accepted one goes on to s3rver without its signature, since s3rver checks V4
// signatures not at all and their expiry on the machine's time. A presigned GET's response-* overrides
// (a download's Content-Disposition) are applied here, as s3rver takes them from signed requests only.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { guardHost } from '../host-check.ts';
import { errorXml, S3Error } from './s3-errors.ts';
import { type CheckedPost, checkPostPolicy, checkSize, type PostFields } from './s3-post-policy.ts';
import { isSigned, parseQuery, verifySigV4 } from './s3-sigv4.ts';

export interface S3FrontOptions {
  host: string;
  port: number;
  /** s3rver's own address (loopback, any port). */
  target: { host: string; port: number };
  /** The local cloud's clock (epoch ms): policies and presigned URLs expire on it. */
  now(): number;
  secretOf(accessKeyId: string): string | undefined;
}

export interface S3Front {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Form fields and files above these are refused before anything is kept (S3 takes 20 KB of fields). */
const FIELD_LIMITS = { fields: 64, fieldSize: 20 * 1024, parts: 66 };
/** The query parameters of a signature, removed before a request goes on to s3rver. */
const AUTH_PARAMS =
  /^X-Amz-(Algorithm|Credential|Date|Expires|SignedHeaders|Signature|Security-Token|Content-Sha256)$/i;
/** Form fields that become the object's headers (the rest are the policy's, or S3's instructions). */
const OBJECT_FIELDS =
  /^(content-type|cache-control|content-disposition|content-encoding|expires|x-amz-meta-.+)$/;

export async function startS3Front(options: S3FrontOptions): Promise<S3Front> {
  const server = createServer((req, res) => {
    // Every answer is dated on the local clock, as s3rver's (the machine's time) would otherwise be: the AWS
    // SDK corrects its clock by a response's Date, and would then sign forms and URLs that expire on the
    // machine's time instead of the local cloud's.
    res.setHeader('date', new Date(options.now()).toUTCString());
    handle(req, res, options).catch((error: unknown) => {
      const failure =
        error instanceof S3Error ? error : new S3Error(500, 'InternalError', (error as Error).message);
      answer(res, failure);
      req.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  guardHost(server, options.host);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: S3FrontOptions): Promise<void> {
  const url = req.url ?? '/';
  const context = { now: new Date(options.now()), secretOf: options.secretOf };
  const [path = '/', rawQuery = ''] = url.split(/\?(.*)/s);
  const bucket = decodeURIComponent(path.split('/')[1] ?? '');
  // A browser upload is a multipart POST to the bucket itself (`/<bucket>`, no key, no query).
  const isFormPost =
    req.method === 'POST' &&
    /^\/[^/]+\/?$/.test(path) &&
    !rawQuery &&
    /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
  if (isFormPost) return postForm(req, res, bucket, options, context.now);
  // The bucket is private: S3 answers an unsigned request with AccessDenied.
  if (!isSigned({ method: req.method ?? 'GET', url, headers: req.headers })) {
    throw new S3Error(403, 'AccessDenied', 'Access Denied');
  }
  verifySigV4({ method: req.method ?? 'GET', url, headers: req.headers }, context);
  const query = parseQuery(rawQuery);
  const overrides = query.filter(([key]) => key.startsWith('response-'));
  const rest = query
    .filter(([key]) => !AUTH_PARAMS.test(key) && !key.startsWith('response-'))
    .map(([key, value]) =>
      value === '' ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
    );
  const headers = { ...req.headers };
  delete headers.authorization;
  const upstream = request({
    host: options.target.host,
    port: options.target.port,
    method: req.method,
    path: rest.length ? `${path}?${rest.join('&')}` : path,
    headers,
  });
  upstream.on('response', (reply) => {
    const { date: _date, ...replyHeaders } = reply.headers;
    if ((reply.statusCode ?? 500) < 300) {
      for (const [key, value] of overrides) replyHeaders[key.slice('response-'.length)] = value;
    }
    res.writeHead(reply.statusCode ?? 502, replyHeaders);
    reply.pipe(res);
  });
  upstream.on('error', (error) => answer(res, new S3Error(502, 'InternalError', error.message)));
  req.pipe(upstream);
}

interface Upload {
  checked: CheckedPost;
  filename: string;
  chunks: Buffer[];
  size: number;
}

/**
 * A browser upload: the fields are read until the file (S3 ignores what follows it); the policy is checked
 * before a byte of the file is kept, and the file is counted as it streams, keeping no more than the policy's
 * maximum. Only a file that passes everything goes on to s3rver, so a refused upload stores nothing.
 */
function postForm(
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  options: S3FrontOptions,
  now: Date,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const fields: PostFields = new Map();
    const original = new Map<string, string>();
    let refusal: S3Error | undefined;
    let upload: Upload | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { ...FIELD_LIMITS, files: 1 },
        defParamCharset: 'utf8',
      });
    } catch (error) {
      reject(new S3Error(400, 'MalformedPOSTRequest', (error as Error).message));
      return;
    }
    parser.on('field', (name, value) => {
      if (upload || refusal) return;
      fields.set(name.toLowerCase(), value);
      original.set(name.toLowerCase(), name);
    });
    parser.on('file', (name, stream, info) => {
      if (name.toLowerCase() !== 'file' || upload || refusal) {
        stream.resume();
        return;
      }
      const filename = info.filename ?? '';
      let current: Upload;
      try {
        const checked = checkPostPolicy(fields, filename, { bucket, now, secretOf: options.secretOf });
        if (checked.key.split('/').some((part) => part === '..' || part === '.')) {
          // s3rver keeps objects as files: a key that climbs out of its folder is refused here (S3 would not).
          throw new S3Error(400, 'InvalidArgument', 'The local S3 server takes no . or .. in a key');
        }
        current = { checked, filename, chunks: [], size: 0 };
        upload = current;
      } catch (error) {
        refusal = error as S3Error;
        stream.resume();
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        current.size += chunk.length;
        // Counted to the end, kept up to the maximum: the answer names the size, as S3's does.
        if (current.size <= current.checked.maxBytes) current.chunks.push(chunk);
      });
    });
    parser.on('error', (error: Error) => reject(new S3Error(400, 'MalformedPOSTRequest', error.message)));
    parser.on('close', () => {
      try {
        if (refusal) throw refusal;
        if (!upload) {
          throw new S3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', {
            ArgumentName: 'file',
            ArgumentValue: '0',
          });
        }
        checkSize(upload.size, upload.checked);
      } catch (error) {
        reject(error);
        return;
      }
      store(req, res, bucket, fields, original, upload, options).then(resolve, reject);
    });
    req.pipe(parser);
  });
}

/** Hands the checked upload to s3rver as a plain form (key with its file name in, no policy), relays the answer. */
function store(
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  fields: PostFields,
  original: Map<string, string>,
  upload: Upload,
  options: S3FrontOptions,
): Promise<void> {
  const boundary = `----pilotflow${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  const field = (name: string, value: string) =>
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  field('key', upload.checked.key);
  for (const [name, value] of fields) {
    if (OBJECT_FIELDS.test(name)) field(original.get(name) ?? name, value);
  }
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect) field('success_action_redirect', redirect);
  const status = fields.get('success_action_status');
  if (status) field('success_action_status', status);
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    ...upload.chunks,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  const body = Buffer.concat(parts);
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        host: options.target.host,
        port: options.target.port,
        method: 'POST',
        path: `/${encodeURIComponent(bucket)}`,
        headers: {
          host: req.headers.host ?? `${options.target.host}:${options.target.port}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': body.length,
        },
      },
      (reply) => {
        const { date: _date, ...replyHeaders } = reply.headers;
        res.writeHead(reply.statusCode ?? 502, replyHeaders);
        reply.pipe(res);
        reply.on('end', resolve);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function answer(res: ServerResponse, error: S3Error): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorXml(error, randomUUID());
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}
