import { describe, expect, it } from 'vitest';
import {
  patroniEvents,
  PatroniReadError,
  patroniUrlSchema,
  patroniView,
  readPatroni,
  type PatroniView,
} from '../src/index';

describe('the outbound policy of Patroni reads', () => {
  it('refuses a metadata address before any socket, and says when nothing answers', async () => {
    const refused = await readPatroni('http://169.254.169.254:8008').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PatroniReadError);
    expect((refused as PatroniReadError).refused).toBe(true);
    const dead = await readPatroni('http://127.0.0.1:1', { timeoutMs: 2_000 }).catch(
      (e: unknown) => e,
    );
    expect(dead).toBeInstanceOf(PatroniReadError);
    expect((dead as PatroniReadError).refused).toBe(false);
  });

  it('takes only an http(s) origin without credentials', () => {
    expect(patroniUrlSchema.parse('http://10.0.0.5:8008/cluster')).toBe('http://10.0.0.5:8008');
    expect(patroniUrlSchema.safeParse('ftp://10.0.0.5').success).toBe(false);
    expect(patroniUrlSchema.safeParse('postgresql://u:p@h:notaport/db').success).toBe(false);
    expect(patroniUrlSchema.safeParse('http://u:p@10.0.0.5:8008').success).toBe(false);
  });
});

describe('failover and switchover from two polls', () => {
  const member = (name: string, role: string, state = 'running') => ({
    name,
    role,
    state,
    host: '127.0.0.1',
    port: 5432,
    timeline: 2,
    lagBytes: 0,
    apiUrl: null,
    tags: {},
    pendingRestart: false,
  });
  const view = (members: PatroniView['members'], history: PatroniView['history'] = []) =>
    ({
      scope: 'demo',
      version: '3.0.2',
      members,
      leader: members.find((m) => m.role === 'leader')?.name ?? null,
      timeline: 2,
      paused: false,
      synchronousMode: false,
      maximumLagOnFailover: 1048576,
      scheduledSwitchover: null,
      history,
    }) satisfies PatroniView;
  const at = new Date('2026-12-06T22:00:00Z');

  it('a demoted leader whose Patroni answers is a switchover, at the time Patroni recorded', () => {
    const now = view(
      [member('m1', 'replica'), member('m2', 'leader')],
      [
        {
          timeline: 1,
          lsn: 100,
          reason: 'no recovery target specified',
          at: '2026-12-06T21:59:50+00:00',
          newLeader: 'm2',
        },
      ],
    );
    const [event] = patroniEvents({ leader: 'm1', timeline: 1 }, now, at, { answers: true });
    expect(event).toMatchObject({ kind: 'switchover', from: 'm1', to: 'm2' });
    expect(event!.at.toISOString()).toBe('2026-12-06T21:59:50.000Z');
  });

  it('a leader whose Patroni is gone is a failover; no change is no event', () => {
    const gone = view([member('m2', 'leader')]);
    expect(patroniEvents({ leader: 'm1', timeline: 1 }, gone, at)[0]).toMatchObject({
      kind: 'failover',
      at,
    });
    const stopped = view([member('m1', 'replica', 'stopped'), member('m2', 'leader')]);
    expect(patroniEvents({ leader: 'm1', timeline: 1 }, stopped, at)[0]!.kind).toBe('failover');
    expect(patroniEvents({ leader: 'm2', timeline: 2 }, stopped, at)).toEqual([]);
    expect(patroniEvents(null, stopped, at)).toEqual([]);
    // the new leader's timeline showing a poll later is the same move
    expect(patroniEvents({ leader: 'm2', timeline: 1 }, stopped, at)).toEqual([]);
    expect(
      patroniEvents({ leader: 'm1', timeline: 1 }, view([member('m1', 'replica')]), at),
    ).toEqual([]);
  });
});

/**
 * Answers in the shape Patroni 3.0 (Debian 12) gives them: GET /cluster, /patroni, /history
 * and /config of a two-member cluster, before and after the leader moved from m1 to m2.
 */
describe('switchover or failover, and why, from Patroni REST answers', () => {
  const api = (port: number) => `http://127.0.0.1:${port}/patroni`;
  const m = (name: string, role: string, state: string, timeline: number, extra = {}) => ({
    name,
    role,
    state,
    api_url: api(name === 'm1' ? 8008 : 8009),
    host: '127.0.0.1',
    port: name === 'm1' ? 5432 : 5433,
    timeline,
    ...(role === 'leader' ? {} : { lag: 0 }),
    ...extra,
  });
  const answers = (
    members: unknown[],
    more: Record<string, unknown> = {},
    history: unknown[] = [],
  ) =>
    patroniView({
      cluster: { members, ...more },
      patroni: {
        state: 'running',
        postmaster_start_time: '2026-12-06 21:40:01.52+00:00',
        role: 'replica',
        server_version: 150010,
        timeline: 2,
        patroni: { version: '3.0.2', scope: 'orders' },
      },
      history,
      config: { ttl: 30, loop_wait: 10, retry_timeout: 10, maximum_lag_on_failover: 1048576 },
    });
  const promoted = [
    [1, 50331808, 'no recovery target specified', '2026-12-06T21:59:50.123456+00:00', 'm2'],
  ];
  const steady = answers([m('m1', 'leader', 'running', 1), m('m2', 'replica', 'streaming', 1)]);
  const seen = (view: unknown) => ({
    leader: 'm1',
    timeline: 1,
    view: JSON.parse(JSON.stringify(view)) as unknown,
  });
  const at = new Date('2026-12-06T22:00:00Z');

  it('parses the answers: roles, leader, lag, history with its new leader', () => {
    expect(steady).toMatchObject({ scope: 'orders', leader: 'm1', timeline: 1 });
    expect(steady.members.map((x) => [x.name, x.role, x.lagBytes])).toEqual([
      ['m1', 'leader', null],
      ['m2', 'replica', 0],
    ]);
    expect(answers([], {}, promoted).history[0]).toMatchObject({ timeline: 1, newLeader: 'm2' });
    expect(() => patroniView({ cluster: {}, patroni: {}, history: [], config: {} })).toThrow(
      PatroniReadError,
    );
  });

  it('patronictl switchover: the old leader answers and rejoins as a replica', () => {
    const after = answers(
      [m('m1', 'replica', 'streaming', 2), m('m2', 'leader', 'running', 2)],
      {},
      promoted,
    );
    const [e] = patroniEvents(seen(steady), after, at, { answers: true });
    expect(e).toMatchObject({ kind: 'switchover', from: 'm1', to: 'm2' });
    expect(e!.why).toBe(
      "m1's Patroni answers after the move (replica, streaming): it stepped down",
    );
    expect(e!.details).toBe(
      'Patroni cluster orders; timeline 1 → 2; switchover: ' +
        e!.why +
        '; PostgreSQL: no recovery target specified',
    );
    expect(e!.at.toISOString()).toBe('2026-12-06T21:59:50.123Z');
  });

  it('a read between the demotion and the promotion (no leader, m1 stopped) is still a switchover', () => {
    const between = answers([m('m1', 'replica', 'stopped', 1), m('m2', 'replica', 'streaming', 1)]);
    const after = answers([m('m1', 'replica', 'starting', 1), m('m2', 'leader', 'running', 2)]);
    expect(patroniEvents(seen(between), after, at, { answers: true })[0]!.kind).toBe('switchover');
  });

  it('a read during the demotion (m1 still leader, its PostgreSQL stopping) is still a switchover', () => {
    // a real POST /switchover: the leader stops PostgreSQL before it lets the lock go
    for (const state of ['stopping', 'stopped']) {
      const demoting = answers([m('m1', 'leader', state, 1), m('m2', 'replica', 'streaming', 1)]);
      const after = answers([m('m1', 'replica', 'streaming', 2), m('m2', 'leader', 'running', 2)]);
      expect(patroniEvents(seen(demoting), after, at, { answers: true })[0]!.kind).toBe(
        'switchover',
      );
    }
  });

  it('a scheduled switchover is one, whatever the old leader does after', () => {
    const scheduled = answers(
      [m('m1', 'leader', 'running', 1), m('m2', 'replica', 'streaming', 1)],
      {
        scheduled_switchover: { at: '2026-12-06T21:59:45+00:00', from: 'm1', to: 'm2' },
      },
    );
    const after = answers([m('m2', 'leader', 'running', 2)]);
    const [e] = patroniEvents(seen(scheduled), after, at, { answers: false });
    expect(e).toMatchObject({ kind: 'switchover' });
    expect(e!.why).toBe('Patroni had a switchover scheduled for 2026-12-06T21:59:45+00:00');
  });

  it('a killed leader: its API is silent and its member key expired', () => {
    const after = answers([m('m2', 'leader', 'running', 2)], {}, promoted);
    const [e] = patroniEvents(seen(steady), after, at, { answers: false });
    expect(e).toMatchObject({ kind: 'failover', title: 'Failover: m2 promoted (m1 lost)' });
    expect(e!.why).toBe("m1's REST API did not answer after the move and it left the member list");
  });

  it('a leader whose PostgreSQL crashed under the lock, though its Patroni still answers', () => {
    const crashed = answers([m('m1', 'leader', 'crashed', 1), m('m2', 'replica', 'streaming', 1)]);
    const after = answers([m('m1', 'replica', 'stopped', 1), m('m2', 'leader', 'running', 2)]);
    const [e] = patroniEvents(seen(crashed), after, at, { answers: true });
    expect(e).toMatchObject({ kind: 'failover' });
    expect(e!.why).toBe(
      'm1 held the leader lock but its PostgreSQL was crashed at the read before',
    );
  });
});
