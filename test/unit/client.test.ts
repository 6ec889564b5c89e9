import { describe, expect, it } from 'vitest';
import { requestClient, truncateIp } from '#domain/client.ts';

describe('the network address a decision records', () => {
  it('is an IPv4 address cut to its /24', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncateIp('10.1.2.255')).toBe('10.1.2.0/24');
  });

  it('is an IPv6 address cut to its /48, written as RFC 5952 writes it', () => {
    expect(truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::/48');
    expect(truncateIp('2001:DB8::1')).toBe('2001:db8::/48');
    // `::` standing for one zero group before the third: the third group is kept.
    expect(truncateIp('1::2:3:4:5:6:7')).toBe('1:0:2::/48');
    expect(truncateIp('::1')).toBe('::/48');
  });

  it('is an IPv4-mapped IPv6 address cut as the IPv4 address it carries', () => {
    expect(truncateIp('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
  });

  it('is nothing for what is not an address', () => {
    for (const value of ['', 'not-an-ip', '127.1', '0x7f.0.0.1', '203.0.113.300', '2001:db8::g']) {
      expect(truncateIp(value)).toBeUndefined();
    }
  });
});

describe('the client a decision records', () => {
  it('keeps the truncated address and the user agent', () => {
    expect(requestClient('203.0.113.77', 'Mozilla/5.0 (Windows NT 10.0)')).toEqual({
      ip: '203.0.113.0/24',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0)',
    });
  });

  it('leaves out what the request does not have', () => {
    expect(requestClient(undefined, undefined)).toEqual({});
    expect(requestClient('nonsense', '')).toEqual({});
  });

  it('keeps no control characters and at most 256 characters of the user agent', () => {
    expect(requestClient('203.0.113.77', 'a\r\nb\u0000c').userAgent).toBe('a b c');
    expect(requestClient('203.0.113.77', 'x'.repeat(5000)).userAgent).toHaveLength(256);
  });
});
