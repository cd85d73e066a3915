import { describe, expect, it } from 'vitest';
import {
  patroniEvents,
  PatroniReadError,
  patroniUrlSchema,
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
    const [event] = patroniEvents({ leader: 'm1', timeline: 1 }, now, at, true);
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
