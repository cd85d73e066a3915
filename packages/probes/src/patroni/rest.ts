// Reads a Patroni cluster from one member's REST API (GET /cluster, /patroni, /history,
// /config) under the outbound policy: the host is resolved and checked first, the socket
// goes to the checked address, redirects are not followed, bodies are capped.
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { OutboundRefusedError, pinnedLookup, resolveOutbound, type Resolver } from '../outbound';

const MAX_BODY = 1_000_000;

const lagSchema = z.union([z.number(), z.string()]).optional();
const memberSchema = z.object({
  name: z.string(),
  role: z.string(),
  state: z.string(),
  api_url: z.string().optional(),
  host: z.string().optional(),
  port: z.number().optional(),
  timeline: z.number().optional(),
  lag: lagSchema,
  tags: z.record(z.string(), z.unknown()).optional(),
  pending_restart: z.boolean().optional(),
  scheduled_restart: z.unknown().optional(),
});
const clusterSchema = z.object({
  members: z.array(memberSchema),
  pause: z.boolean().optional(),
  scheduled_switchover: z
    .object({ at: z.string(), from: z.string().optional(), to: z.string().optional() })
    .optional(),
});
const patroniSchema = z.object({
  state: z.string().optional(),
  role: z.string().optional(),
  timeline: z.number().optional(),
  server_version: z.number().optional(),
  postmaster_start_time: z.string().nullable().optional(),
  patroni: z.object({ version: z.string(), scope: z.string() }),
});
// [timeline, lsn, reason, timestamp?, new leader?]: older Patroni sends only the first three
const historySchema = z.array(z.array(z.unknown()).min(3));
const configSchema = z.object({
  maximum_lag_on_failover: z.number().optional(),
  synchronous_mode: z.boolean().optional(),
  synchronous_mode_strict: z.boolean().optional(),
  pause: z.boolean().optional(),
});

export type PatroniRole = 'leader' | 'standby_leader' | 'sync_standby' | 'replica';

export interface PatroniMemberView {
  name: string;
  /** Patroni's role, with 'master' (Patroni 2) read as 'leader' */
  role: string;
  state: string;
  host: string | null;
  port: number | null;
  /** the member's own REST API (GET /patroni) */
  apiUrl: string | null;
  timeline: number | null;
  /** bytes behind the leader; null when Patroni says "unknown" or for the leader */
  lagBytes: number | null;
  tags: Record<string, unknown>;
  pendingRestart: boolean;
}

export interface PatroniHistoryEntry {
  /** the timeline that ended */
  timeline: number;
  lsn: number;
  reason: string;
  at: string | null;
  newLeader: string | null;
}

export interface PatroniView {
  scope: string;
  version: string;
  members: PatroniMemberView[];
  leader: string | null;
  /** the highest timeline a member reports (timelines only grow; a promotion may not show yet) */
  timeline: number | null;
  paused: boolean;
  synchronousMode: boolean;
  maximumLagOnFailover: number;
  scheduledSwitchover: { at: string; from: string | null; to: string | null } | null;
  history: PatroniHistoryEntry[];
}

export class PatroniReadError extends Error {
  constructor(
    message: string,
    readonly refused = false,
  ) {
    super(message);
    this.name = 'PatroniReadError';
  }
}

/** Patroni's default when the DCS config does not set it: 1 MB. */
export const DEFAULT_MAXIMUM_LAG_ON_FAILOVER = 1_048_576;

export interface PatroniReadOptions {
  timeoutMs?: number;
  resolve?: Resolver;
}

const asUrl = (u: string): URL | null => {
  try {
    return new URL(u);
  } catch {
    return null;
  }
};

/** A Patroni URL as pgvigil stores it: http(s), no credentials, no path beyond '/'. */
export const patroniUrlSchema = z
  .string()
  .trim()
  .max(500)
  .refine((u) => /^https?:$/.test(asUrl(u)?.protocol ?? ''), 'an http:// or https:// URL')
  .refine((u) => !asUrl(u)?.username && !asUrl(u)?.password, 'no credentials in the URL')
  .transform((u) => asUrl(u)!.origin);

async function getJson(base: string, route: string, o: PatroniReadOptions): Promise<unknown> {
  const target = new URL(route, base);
  const transport = target.protocol === 'https:' ? https : http;
  let lookup;
  try {
    lookup = pinnedLookup(await resolveOutbound(target.hostname, o.resolve));
  } catch (err) {
    if (err instanceof OutboundRefusedError) throw new PatroniReadError(err.message, true);
    throw new PatroniReadError(`${target.host}: ${(err as Error).message}`);
  }
  const timeoutMs = o.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port || undefined,
        path: target.pathname,
        method: 'GET',
        lookup,
        headers: { accept: 'application/json' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // /patroni answers 503 on a member that is not running, with the same JSON body
        if (status >= 300 && status < 400) {
          res.resume();
          reject(new PatroniReadError(`GET ${route}: redirect (${status}), not followed`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new Error('answer larger than 1 MB'));
          else chunks.push(c);
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new PatroniReadError(`GET ${route}: HTTP ${status}, not JSON`));
          }
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.once('close', () => clearTimeout(timer));
    req.once('error', (err) =>
      reject(
        err instanceof PatroniReadError
          ? err
          : new PatroniReadError(`GET ${target.host}${route}: ${err.message}`),
      ),
    );
    req.end();
  });
}

function parse<T>(schema: z.ZodType<T>, value: unknown, route: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PatroniReadError(`GET ${route}: not a Patroni answer`);
  return parsed.data;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Reads the whole cluster through one member's API; throws PatroniReadError. */
export async function readPatroni(
  url: string,
  options: PatroniReadOptions = {},
): Promise<PatroniView> {
  const base = patroniUrlSchema.parse(url);
  const [cluster, patroni, history, config] = await Promise.all(
    ['/cluster', '/patroni', '/history', '/config'].map((route) => getJson(base, route, options)),
  );
  return patroniView({ cluster, patroni, history, config });
}

/** The view of a cluster from the JSON of its four GET answers (pure: recorded answers test it). */
export function patroniView(answers: {
  cluster: unknown;
  patroni: unknown;
  history: unknown;
  config: unknown;
}): PatroniView {
  const cluster = parse(clusterSchema, answers.cluster, '/cluster');
  const patroni = parse(patroniSchema, answers.patroni, '/patroni');
  const history = parse(historySchema, answers.history, '/history');
  const config = parse(configSchema, answers.config, '/config');
  const members = cluster.members.map((m): PatroniMemberView => ({
    name: m.name,
    role: m.role === 'master' ? 'leader' : m.role,
    state: m.state,
    host: m.host ?? null,
    port: m.port ?? null,
    apiUrl: m.api_url ?? null,
    timeline: m.timeline ?? null,
    lagBytes: typeof m.lag === 'number' ? m.lag : null,
    tags: m.tags ?? {},
    pendingRestart: m.pending_restart ?? false,
  }));
  const leader = members.find((m) => m.role === 'leader' || m.role === 'standby_leader');
  const timelines = members.map((m) => m.timeline).filter((t): t is number => t !== null);
  return {
    scope: patroni.patroni.scope,
    version: patroni.patroni.version,
    members,
    leader: leader?.name ?? null,
    timeline: timelines.length ? Math.max(...timelines) : null,
    paused: cluster.pause ?? config.pause ?? false,
    synchronousMode: config.synchronous_mode ?? false,
    maximumLagOnFailover: config.maximum_lag_on_failover ?? DEFAULT_MAXIMUM_LAG_ON_FAILOVER,
    scheduledSwitchover: cluster.scheduled_switchover
      ? {
          at: cluster.scheduled_switchover.at,
          from: cluster.scheduled_switchover.from ?? null,
          to: cluster.scheduled_switchover.to ?? null,
        }
      : null,
    history: history.map((h) => ({
      timeline: num(h[0]) ?? 0,
      lsn: num(h[1]) ?? 0,
      reason: typeof h[2] === 'string' ? h[2] : '',
      at: typeof h[3] === 'string' ? h[3] : null,
      newLeader: typeof h[4] === 'string' ? h[4] : null,
    })),
  };
}

/**
 * Whether a member's own Patroni answers (any HTTP status of GET /patroni): after a
 * leader change, an old leader that answers was demoted on purpose (a switchover); one
 * that does not was lost (a failover). Same outbound policy as readPatroni.
 */
export async function memberAnswers(
  apiUrl: string,
  options: PatroniReadOptions = {},
): Promise<boolean> {
  try {
    await getJson(patroniUrlSchema.parse(apiUrl), '/patroni', options);
    return true;
  } catch (err) {
    return err instanceof PatroniReadError && /HTTP \d+, not JSON/.test(err.message);
  }
}
