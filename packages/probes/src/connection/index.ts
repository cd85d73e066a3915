export * from './settings';
export * from './parse';
export * from './client-config';
export * from './classify';
export * from './connect';
export * from './prerequisites';
export * from './test-connection';
export { askSsl, type SslAnswer } from './ssl-probe';
export * from './ssh-key';
export {
  closeTunnels,
  openTunnels,
  SSH_ERROR_CODES,
  sshSettingsSchema,
  SshTunnelError,
  type SshErrorCode,
  type SshFacts,
  type SshSettings,
} from './ssh-tunnel';
