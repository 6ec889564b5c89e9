// The local servers' defence against DNS rebinding: a page of any site can make its own name resolve to
// 127.0.0.1 and then read what a loopback server answers, as its own origin. What the browser cannot change is
// the Host header, which then names the other site. So a server bound to a loopback address answers only
// requests whose Host is a loopback name; one bound to another address (`--host`) is meant to be reached by
// other names, answers any Host, and the local cloud warns when it starts that way.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/** `localhost`, `*.localhost` (RFC 6761: never sent to DNS), `127.0.0.0/8` and `::1`, with or without brackets. */
export function isLoopbackName(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(name);
  return false;
}

/** The name of a Host header, without its port (`[::1]:3000` → `[::1]`). */
export function hostName(header: string): string {
  const value = header.trim();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

/** Whether a server bound to `boundHost` answers a request with this Host header. */
export function hostAllowed(boundHost: string, header: string | undefined): boolean {
  if (!isLoopbackName(boundHost)) return true;
  // HTTP/1.0 without a Host is no browser's (Node refuses HTTP/1.1 without one).
  if (header === undefined) return true;
  return isLoopbackName(hostName(header));
}

function refuse(req: IncomingMessage, res: ServerResponse): void {
  const text = `This local server answers only loopback names (localhost, 127.0.0.1, [::1]), not '${hostName(req.headers.host ?? '')}': start it with --host to serve other names.\n`;
  res.writeHead(403, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Puts the Host check in front of `server`'s request listeners (also a server another package made, such as
 * the local SES's): call it once, after the server has its listeners.
 */
export function guardHost(server: Server, boundHost: string): void {
  if (!isLoopbackName(boundHost)) return;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(boundHost, req.headers.host)) return refuse(req, res);
    for (const listener of listeners) listener.call(server, req, res);
  });
}
