// Input pieces every tool shares, so a window or a server is asked for the same way everywhere.
import { z } from 'zod';
import { ToolError } from '../tool';

export const serverId = z.number().int().positive().describe('the server id (see list_servers)');
export const database = z.string().min(1).max(200).describe('a database name on that server');

export const WINDOWS = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
const WINDOW_SECONDS: Record<(typeof WINDOWS)[number], number> = {
  '15m': 900,
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 86400,
  '7d': 7 * 86400,
  '30d': 30 * 86400,
};

/** `last` (up to now) or `from`/`to` (ISO 8601); any span, the charts pick the resolution. */
export const windowShape = {
  last: z.enum(WINDOWS).optional().describe('a window ending now; default 1h'),
  from: z.iso.datetime({ offset: true }).optional().describe('start, ISO 8601 (with `to`)'),
  to: z.iso.datetime({ offset: true }).optional().describe('end, ISO 8601; default now'),
};

export function windowOf(
  input: {
    last?: (typeof WINDOWS)[number] | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
  at: Date,
): { from: Date; to: Date } {
  if (input.from) {
    const from = new Date(input.from);
    const to = input.to ? new Date(input.to) : at;
    if (!(from < to)) throw new ToolError('`from` must be before `to`.');
    return { from, to };
  }
  if (input.to) throw new ToolError('`to` needs `from`; or use `last`.');
  return { from: new Date(at.getTime() - WINDOW_SECONDS[input.last ?? '1h'] * 1000), to: at };
}
