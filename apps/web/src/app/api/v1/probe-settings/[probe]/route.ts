import { clearProbeSetting, setProbeSetting } from '@pgvigil/db/metrics';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { knownProbe, probeSettingBody, probeSettingsView, targetOf } from '@/server/probe-settings';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';
type Params = { probe: string };

const effectiveOf = async (probe: string, target: ReturnType<typeof targetOf>) =>
  (await probeSettingsView(db(), target)).find((p) => p.probe === probe);

/** Replaces the probe's override at `?scope=&id=`; null fields inherit. The collector reads it within 5 s. */
export const PUT = withAuth<Params>('admin', async ({ request, params, at, audit }) => {
  const probe = knownProbe(params.probe);
  const target = targetOf(request);
  const value = await readJson(request, probeSettingBody);
  const previous = await setProbeSetting(db(), probe, target, value, at);
  await audit('probe_setting.set', 'probe_setting', probe, { ...target, previous, value });
  return NextResponse.json({ setting: await effectiveOf(probe, target) });
});

/** Removes the probe's override at `?scope=&id=`: it inherits again. */
export const DELETE = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const probe = knownProbe(params.probe);
  const target = targetOf(request);
  const previous = await clearProbeSetting(db(), probe, target);
  if (previous) await audit('probe_setting.clear', 'probe_setting', probe, { ...target, previous });
  return NextResponse.json({ setting: await effectiveOf(probe, target) });
});
