import { describe, expect, it } from 'vitest';
import { blockingChains, rankCauses, robustShift, type Findings } from '../src/investigate';
import { emailHtml } from '../src/notify/senders/email';
import { mattermostText } from '../src/notify/senders/mattermost';
import { slackBody } from '../src/notify/senders/slack';
import { plainText, type NotificationPayload } from '../src/notify/payload';

describe('robust shift score', () => {
  it('measures in robust standard deviations, floored for flat baselines', () => {
    // median 10, MAD 1 -> spread 1.4826
    expect(robustShift([9, 10, 11, 10, 9, 11], 13, 0)!.score).toBeCloseTo(3 / 1.4826, 3);
    // flat at 0: the floor, not a division by zero
    expect(robustShift([0, 0, 0], 2, 0.5)!.score).toBe(4);
    expect(robustShift([1, 2], 5, 0)).toBeNull();
  });
});

describe('blocking chains', () => {
  const at = new Date('2026-04-01T10:00:00Z');
  const pair = (blocked: number, blocking: number, state = 'active') => ({
    collected_at: at,
    blocked_pid: blocked,
    blocking_pid: blocking,
    datname: 'app',
    blocked_seconds: 3,
    blocked_query: 'SELECT',
    blocking_state: state,
    blocking_query: blocking === 1 ? 'UPDATE orders SET qty = 1' : 'ALTER TABLE orders ...',
  });
  it('counts every session behind a root that waits for nobody', () => {
    const [chain] = blockingChains([pair(2, 1, 'idle in transaction'), pair(3, 2), pair(4, 2)]);
    expect(chain).toMatchObject({ rootPid: 1, blocked: 3, rootState: 'idle in transaction' });
  });
  it('roots a cycle at its lowest pid', () => {
    expect(blockingChains([pair(7, 8), pair(8, 7)])[0]).toMatchObject({ rootPid: 7, blocked: 1 });
  });
});

describe('cause ranking', () => {
  const start = new Date('2026-04-01T10:00:00Z');
  const findings = (over: Partial<Findings>): Findings => ({
    ruleKey: 'lock_waiters',
    start,
    settings: [],
    timeline: [],
    metrics: [],
    statements: [],
    statementBaselineSeconds: 600,
    blocking: [],
    sessions: { at: [], baseline: [] },
    links: {
      chart: (c) => `/servers/1?from=a&to=b#chart-${c}`,
      query: (q) => `/servers/1/queries/${q}`,
      setting: () => '/servers/1#settings-title',
      session: () => '/servers/1#blocking-title',
    },
    ...over,
  });
  it('is deterministic and explains itself', () => {
    const f = findings({
      blocking: blockingChains([
        {
          collected_at: start,
          blocked_pid: 2,
          blocking_pid: 4242,
          datname: 'app',
          blocked_seconds: 30,
          blocked_query: 'SELECT',
          blocking_state: 'active',
          blocking_query: 'ALTER TABLE orders ADD COLUMN note text',
        },
      ]),
      timeline: [
        {
          at: new Date(start.getTime() - 10 * 60_000),
          kind: 'event',
          serverName: null,
          text: 'deploy: v2',
          href: null,
        },
      ],
    });
    const causes = rankCauses(f);
    expect(causes.map((c) => c.detector)).toEqual(['lockPileUp', 'deployMarker']);
    expect(causes[0]!.summary).toBe(
      'lock pile-up behind pid 4242 running `ALTER TABLE orders ADD COLUMN note text` since 10:00 UTC',
    );
    expect(causes[0]!.reasons.length).toBeGreaterThan(0);
    expect(rankCauses(f)).toEqual(causes);
  });
  it('calls no statement a runaway without statement history before the start', () => {
    const rates = { calls: 0, timeMs: 0, meanMs: null, blocks: 0, tempBlocks: 0, walBytes: 0 };
    const statements = [
      {
        queryId: '42',
        query: 'SELECT count(*) FROM big WHERE v = $1',
        before: rates,
        after: { ...rates, calls: 10, timeMs: 900, meanMs: 90, blocks: 50_000 },
        change: 1,
        href: '/servers/1/queries/42',
      },
    ];
    expect(rankCauses(findings({ statements })).map((c) => c.detector)).toEqual(['runawayQuery']);
    expect(rankCauses(findings({ statements, statementBaselineSeconds: 60 }))).toEqual([]);
  });
  it('finds nothing without evidence', () => {
    expect(rankCauses(findings({}))).toEqual([]);
  });
});

describe('the likely cause in every channel', () => {
  const p: NotificationPayload = {
    kind: 'firing',
    title: 'Lock waiters on pg1 firing',
    severity: 'warning',
    rule: { key: 'lock_waiters', name: 'Lock waiters', runbook: '' },
    server: { id: 1, name: 'pg1' },
    items: [
      {
        alertId: 7,
        database: null,
        object: null,
        value: 5,
        threshold: 2,
        unit: 'count',
        message: 'Lock waiters: 5',
        since: null,
      },
    ],
    link: 'http://pg.test/alerts',
    likely: {
      text: 'Likely: lock pile-up behind pid 4242 running `ALTER TABLE <!channel> ...` since 10:42 UTC',
      href: 'http://pg.test/alerts/7#investigation',
    },
    at: '2026-04-01T10:43:00.000Z',
  };
  it('is one line with the panel link, escaped for each channel', () => {
    expect(plainText(p)).toContain(`• ${p.likely!.text} — ${p.likely!.href}`);
    expect(emailHtml(p)).toContain('ALTER TABLE &lt;!channel&gt;');
    expect(emailHtml(p)).toContain(p.likely!.href);
    const slack = JSON.stringify(slackBody(p));
    expect(slack).toContain('ALTER TABLE &lt;!channel&gt;');
    expect(slack).toContain(p.likely!.href);
    expect(mattermostText(p)).toContain('Likely\\: lock pile\\-up behind pid 4242');
    expect(mattermostText(p)).toContain(p.likely!.href);
  });
  it('is absent from messages without one (resolved, test, older rows)', () => {
    expect(plainText({ ...p, likely: null })).not.toContain('Likely');
  });
});
