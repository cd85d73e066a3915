import {
  getPatroniState,
  listClusterServerAddresses,
  listPatroniEvents,
} from '@pgvigil/db/registry';
import { matchMembers, type PatroniView } from '@pgvigil/probes';
import type { PatroniClusterView } from '@/contract/registry';
import { db } from './db';

/** The cluster's Patroni view as the collector stored it, members matched to servers. */
export async function loadPatroni(clusterId: number): Promise<PatroniClusterView> {
  const [state, events, servers] = await Promise.all([
    getPatroniState(db(), clusterId),
    listPatroniEvents(db(), clusterId),
    listClusterServerAddresses(db(), clusterId),
  ]);
  const view = (state.view ?? null) as PatroniView | null;
  const ids = view ? matchMembers(view, servers) : new Map<string, number>();
  return {
    url: state.url,
    readAt: state.readAt,
    error: state.error,
    errorAt: state.errorAt,
    leader: view?.leader ?? null,
    timeline: view?.timeline ?? null,
    paused: view?.paused ?? false,
    synchronousMode: view?.synchronousMode ?? false,
    maximumLagOnFailover: view?.maximumLagOnFailover ?? null,
    scheduledSwitchover: view?.scheduledSwitchover ?? null,
    members: (view?.members ?? []).map((m) => ({
      name: m.name,
      role: m.role,
      state: m.state,
      host: m.host,
      port: m.port,
      timeline: m.timeline,
      lagBytes: m.lagBytes,
      pendingRestart: m.pendingRestart,
      tags: m.tags,
      serverId: ids.get(m.name) ?? null,
    })),
    events,
  };
}
