import {
  clearProbeSetting as removeSetting,
  setProbeSetting as writeSetting,
} from '@pgvigil/db/metrics';
import { NotFoundError } from '@pgvigil/db';
import { clearProbeSetting, setProbeSetting } from '@/contract';
import { noContent, readBody, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { knownProbe, probeSettingsView, targetOf } from '@/server/probe-settings';

export const dynamic = 'force-dynamic';
type Params = { probe: string };

/** Replaces the probe's override at `?clusterId=` / `?serverId=`; null fields inherit. The collector reads it within 5 s. */
export const PUT = withAuth<Params>('admin', async ({ request, params, at, audit }) => {
  const probe = knownProbe(params.probe);
  const target = targetOf(readQuery(request, setProbeSetting));
  const body = await readBody(request, setProbeSetting);
  const value = {
    enabled: body.enabled ?? null,
    intervalSeconds: body.intervalSeconds ?? null,
    retentionDays: body.retentionDays ?? null,
  };
  const previous = await writeSetting(db(), probe, target, value, at);
  await audit('probe_setting.set', 'probe_setting', probe, { ...target, previous, value });
  const setting = (await probeSettingsView(db(), target)).find((p) => p.probe === probe);
  if (!setting) throw new NotFoundError(`Probe ${probe}`);
  return reply(setProbeSetting, { setting });
});

/** Removes the probe's override at the scope: it inherits again. */
export const DELETE = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const probe = knownProbe(params.probe);
  const target = targetOf(readQuery(request, clearProbeSetting));
  const previous = await removeSetting(db(), probe, target);
  if (previous) await audit('probe_setting.clear', 'probe_setting', probe, { ...target, previous });
  return noContent();
});
