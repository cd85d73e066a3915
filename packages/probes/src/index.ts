export * from './types';
export * from './connection/index';
