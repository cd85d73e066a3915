export * from './payload';
export * from './sender';
export * from './channel-config';
export * from './registry';
export * from './deliver';
export * from './markup';
export * from './redact';
export * from './heartbeat';
