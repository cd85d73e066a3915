import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { getMetricCatalog } from '../metrics';
import { parseInput } from './parse';

export const settingChangesInput = z.object({
  serverId: z.coerce.number().int().positive(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export type SettingChange = {
  /** the first snapshot with the new value: the change happened since `previousAt` */
  seenAt: Date;
  previousAt: Date;
  name: string;
  before: string | null;
  after: string | null;
  unit: string | null;
  source: string | null;
  pendingRestart: boolean | null;
};

export type CurrentSetting = {
  name: string;
  setting: string | null;
  unit: string | null;
  source: string | null;
  pendingRestart: boolean | null;
};

async function collected(db: Queryable): Promise<boolean> {
  try {
    await getMetricCatalog(db, 'settings');
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/**
 * What changed in a server's settings and when: the settings probe stores a full
 * snapshot only when something changed (a value, its source, or pending_restart),
 * so each snapshot diffed with the one before gives the changes. The first
 * snapshot is a baseline.
 */
export async function listSettingChanges({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof settingChangesInput>;
}): Promise<SettingChange[]> {
  const i = parseInput(settingChangesInput, input);
  if (!(await collected(db))) return [];
  return db.query<SettingChange>(
    `WITH s AS (
       SELECT collected_at, name, setting, unit, source, pending_restart
         FROM metrics.settings WHERE server_id = $1
     ), snaps AS (
       SELECT t, lag(t) OVER (ORDER BY t) AS prev FROM (SELECT DISTINCT collected_at AS t FROM s) d
     )
     SELECT p.t AS "seenAt", p.prev AS "previousAt", x.*
       FROM snaps p
       CROSS JOIN LATERAL (
         SELECT coalesce(c.name, o.name) AS name, o.setting AS before, c.setting AS after,
                coalesce(c.unit, o.unit) AS unit, c.source, c.pending_restart AS "pendingRestart"
           FROM (SELECT * FROM s WHERE collected_at = p.t) c
           FULL JOIN (SELECT * FROM s WHERE collected_at = p.prev) o ON o.name = c.name
          WHERE (c.setting, c.source, c.pending_restart) IS DISTINCT FROM (o.setting, o.source, o.pending_restart)
       ) x
      WHERE p.prev IS NOT NULL
      ORDER BY p.t DESC, x.name
      LIMIT $2 OFFSET $3`,
    [i.serverId, i.limit, i.offset],
  );
}

/** The newest settings snapshot's values not at their built-in default, by name. */
export async function listChangedSettings({
  db,
  input,
}: {
  db: Queryable;
  input: { serverId: number | string };
}): Promise<CurrentSetting[]> {
  const i = parseInput(settingChangesInput.pick({ serverId: true }), input);
  if (!(await collected(db))) return [];
  return db.query<CurrentSetting>(
    `SELECT name, setting, unit, source, pending_restart AS "pendingRestart"
       FROM metrics.settings
      WHERE server_id = $1
        AND collected_at = (SELECT max(collected_at) FROM metrics.settings WHERE server_id = $1)
        AND source NOT IN ('default', 'override', 'client', 'session')
      ORDER BY name`,
    [i.serverId],
  );
}
