import { listChangedSettings, listSchemaChanges, listSettingChanges } from '@pgvigil/db/dashboard';
import { z } from 'zod';
import { defineTool } from '../tool';
import { database, serverId } from './inputs';
import { databaseOf } from './objects';

export const settingsChanges = defineTool({
  name: 'settings_changes',
  title: 'Settings changes',
  description:
    "A server's configuration changes, newest first (name, before, after, when first seen, pending restart), and its current settings that differ from the built-in defaults.",
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    limit: z.number().int().min(1).max(500).optional().describe('changes listed; default 50'),
  }),
  example: { serverId: 1 },
  async run({ db, links }, i) {
    const [changes, nonDefault] = await Promise.all([
      listSettingChanges({ db, input: { serverId: i.serverId, limit: i.limit ?? 50 } }),
      listChangedSettings({ db, input: { serverId: i.serverId } }),
    ]);
    return {
      summary: `${changes.length} setting changes; ${nonDefault.length} settings differ from their defaults.`,
      data: { changes, nonDefault },
      links: [{ label: 'Server (settings)', url: links.server(i.serverId) }],
    };
  },
});

export const schemaChanges = defineTool({
  name: 'schema_changes',
  title: 'Schema changes',
  description:
    'DDL seen in a database, newest first: objects created, dropped or altered, and when the collector first saw each (the change ran since the snapshot before).',
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    database: database.optional().describe("default: the server's registered database"),
    schema: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(200).optional().describe('only changes to this object'),
    limit: z.number().int().min(1).max(500).optional().describe('default 50'),
  }),
  example: { serverId: 1, database: 'app' },
  async run({ db, links }, i) {
    const name = await databaseOf(db, i.serverId, i.database);
    const changes = await listSchemaChanges({
      db,
      input: {
        serverId: i.serverId,
        database: name,
        ...(i.schema ? { schema: i.schema } : {}),
        ...(i.name ? { name: i.name } : {}),
        limit: i.limit ?? 50,
      },
    });
    return {
      summary: `${changes.length} schema changes in ${name}.`,
      data: { database: name, changes },
      links: [{ label: `Database ${name}`, url: links.database(i.serverId, name) }],
    };
  },
});
