export * from './settings';
export * from './parse';
export * from './client-config';
export * from './classify';
export * from './connect';
export * from './prerequisites';
export * from './test-connection';
export { askSsl, type SslAnswer } from './ssl-probe';
