// Who clicked. A link decides for its assignee whoever holds it (a forwarded e-mail works too), so the
// decision's audit event records where the request came from: the network address cut to its network
// (IPv4 /24, IPv6 /48), enough to tell another office from the assignee's, not to single out a device, and
// the browser's user agent. The approval page says so beside its buttons.
import ipaddr from 'ipaddr.js';

export interface RequestClient {
  /** The network of the request's source address, e.g. `203.0.113.0/24` or `2001:db8:85a3::/48`. */
  ip?: string;
  userAgent?: string;
}

const USER_AGENT_MAX = 256;

/** The network of `ip`: an IPv4 address (or an IPv4-mapped IPv6 one) to /24, IPv6 to /48; none if not an address. */
export function truncateIp(ip: string): string | undefined {
  // Four decimal parts only: ipaddr.js also reads the old shorthands (`127.1`, hex), which no gateway sends.
  if (ipaddr.IPv4.isValidFourPartDecimal(ip)) {
    const [a, b, c] = ipaddr.IPv4.parse(ip).octets as [number, number, number];
    return `${new ipaddr.IPv4([a, b, c, 0]).toString()}/24`;
  }
  if (!ipaddr.IPv6.isValid(ip)) return undefined;
  const v6 = ipaddr.IPv6.parse(ip);
  if (v6.isIPv4MappedAddress()) return truncateIp(v6.toIPv4Address().toString());
  const [a, b, c] = v6.parts as [number, number, number];
  return `${new ipaddr.IPv6([a, b, c, 0, 0, 0, 0, 0]).toRFC5952String()}/48`;
}

/**
 * What the audit event keeps of a request's source address and user agent (API Gateway's
 * requestContext.http.sourceIp and userAgent): the address truncated, the user agent without control
 * characters and at most 256 characters long. Either is left out when the request has none.
 */
export function requestClient(sourceIp: string | undefined, userAgent: string | undefined): RequestClient {
  const ip = sourceIp ? truncateIp(sourceIp) : undefined;
  const agent = userAgent
    ?.replace(/\p{Cc}+/gu, ' ')
    .trim()
    .slice(0, USER_AGENT_MAX);
  return { ...(ip ? { ip } : {}), ...(agent ? { userAgent: agent } : {}) };
}
