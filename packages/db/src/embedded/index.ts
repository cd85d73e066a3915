export { SUPPORTED_MAJORS, DEFAULT_MAJOR, type Major } from './binaries';
export {
  startEmbedded,
  freePort,
  postmasterRunning,
  isInitialised,
  EmbeddedStartError,
  type EmbeddedOptions,
  type EmbeddedServer,
} from './server';
export { serverOsUser, unreachableAncestor } from './os-user';
export {
  keepEmbedded,
  type DatastoreKeeper,
  type KeeperOptions,
  type KeeperStatus,
} from './keeper';
export {
  classifyStartFailure,
  decideAfterFailure,
  restartDelayMs,
  DEFAULT_RESTART_POLICY,
  type RestartPolicy,
  type StartFailure,
  type StartFailureKind,
} from './restart-policy';
// the supervisor's notes on its datastore, here too so the supervisor needs no more of
// @pgvigil/db than this entry (no driver, no schemas)
export { writeDatastoreState, clearDatastoreState, type DatastoreState } from '../datastore-state';
