import { z } from 'zod';
import { timestamp } from './common';
import { endpoint } from './endpoint';

const serverParams = { id: 'a server id' };

export const configBaseline = z
  .object({
    markedAt: timestamp,
    /** the admin who marked it (null: a token, or the user was deleted) */
    markedBy: z.string().nullable(),
    settings: z.number().int(),
    /** pg_hba.conf lines marked; null when pgvigil could not read the file then */
    hbaLines: z.number().int().nullable(),
  })
  .meta({ id: 'ConfigBaseline' });

export const configDifference = z
  .object({
    kind: z.enum(['setting', 'hba']),
    /** the setting's name, or "pg_hba.conf" */
    name: z.string(),
    /** the marked value, or a pg_hba.conf line no longer there */
    before: z.string().nullable(),
    /** the value now, or a pg_hba.conf line that was not there */
    after: z.string().nullable(),
  })
  .meta({ id: 'ConfigDifference' });
export type ConfigDifference = z.output<typeof configDifference>;

const driftResponse = z.object({
  baseline: configBaseline.nullable(),
  differences: z.array(configDifference),
});
export type ConfigDriftView = z.output<typeof driftResponse>;

export const getConfigBaseline = endpoint({
  method: 'GET',
  path: '/servers/{id}/config-baseline',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'The configuration marked known-good and what differs from it now',
  description:
    'Settings whose value changed, appeared or went, and pg_hba.conf lines added or removed, against the newest snapshots; `baseline` is null when none was marked (the config_drift rule then does not judge the server).',
  params: serverParams,
  response: driftResponse,
});

export const markConfigBaseline = endpoint({
  method: 'POST',
  path: '/servers/{id}/config-baseline',
  access: 'admin',
  tag: 'dashboard',
  summary: "Marks the server's current configuration as known-good",
  description:
    'Copies the newest settings snapshot and pg_hba.conf lines as the reference config_drift compares with (replacing an earlier mark). 409 when no settings were collected yet.',
  params: serverParams,
  response: driftResponse,
});
