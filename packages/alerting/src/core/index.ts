export * from './lifecycle';
export * from './step';
export * from './evaluate';
export * from './baseline';
export * from './forecast';
export * from './blackout';
export * from './overrides';
export * from './flapping';
