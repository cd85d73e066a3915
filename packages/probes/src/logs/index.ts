export {
  LOG_ACCESS_SQL,
  LOG_FORMATS,
  READ_LOG_FUNCTION,
  SUGGESTED_PREFIX,
  decideLogAccess,
  logAccess,
  type LogAccess,
  type LogAccessFacts,
  type LogFormat,
} from './access';
export { parseLog, parseLogTime, stderrLinePattern, type LogRecord, type Parsed } from './parse';
export { readLog, LOG_READ_MAX_BYTES, type LogCursor, type LogRead } from './reader';
export {
  LOG_EVENTS_METRIC,
  LOG_EVENT_KINDS,
  LOG_SEVERITIES,
  SAMPLES_PER_CLASS,
  eventKind,
  logEventRows,
  redactLogText,
  type LogEventKind,
  type LogSample,
} from './events';
export { collectLogEvents, type LogCollection } from './collect';
export { autoExplainPlans, type LoggedPlan } from './auto-explain';
