// The dashboard's audit trail shows where a decision by link came from, so that a forwarded link is seen
// where administrators read the trail (behind a toggle: it is raw data, in no language).
import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { buildTrail } from '#presentation/dashboard/trail.ts';
import type { AuditEvent } from '#store/audit.ts';
import { Trail } from '../../functions/presentation/dashboard/parts.tsx';

const decision = (details: Record<string, unknown>): AuditEvent => ({
  eventId: 'e1',
  programmeId: 'p',
  pilotId: 'gucheng',
  at: '2023-03-02T00:00:00.000Z',
  actor: 'email:wang@xx-county.example',
  action: 'decision.recorded',
  summary: '王芳 decided "approve"',
  details,
});

describe('the audit trail of a decision by link', () => {
  it('shows the network and browser it came from', () => {
    const [entry] = buildTrail(
      [decision({ outcome: 'approve', client: { ip: '203.0.113.0/24', userAgent: 'Firefox/140.0' } })],
      [],
    );
    expect(entry?.client).toBe('203.0.113.0/24 · Firefox/140.0');
    const html = render(
      <Trail entries={[entry as NonNullable<typeof entry>]} locale="zh-CN" timeZone="Asia/Shanghai" id="t" />,
    );
    expect(html).toContain('操作者：wang@xx-county.example');
    // Raw data (a browser's name is English), so behind a toggle on a Chinese page.
    expect(html).toMatch(
      /<details class="raw"><summary>来源（网络与浏览器）<\/summary><code>203\.0\.113\.0\/24 · Firefox\/140\.0<\/code><\/details>/,
    );
  });

  it('shows nothing of the kind for a decision without it (an administrator’s, or one from before)', () => {
    const [entry] = buildTrail([decision({ outcome: 'approve' })], []);
    expect(entry?.client).toBeUndefined();
    const html = render(
      <Trail entries={[entry as NonNullable<typeof entry>]} locale="en" timeZone="UTC" id="t" />,
    );
    expect(html).not.toContain('From (network and browser)');
  });
});
