export * from './sinks';
