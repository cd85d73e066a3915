export * from './types';
export * from './derive';
export * from './catalog';
export * from './custom';
export * from './params';
export { communityEndOfLife } from './catalog-health';
