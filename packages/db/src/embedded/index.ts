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
