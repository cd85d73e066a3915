export { statementPredicates, type RelationRef, type TablePredicates } from './predicates';
export {
  ADVICE_STATEMENT_TIMEOUT_MS,
  MISSING_INDEX_MIN_GAIN,
  MISSING_INDEX_MIN_ROWS,
  MISSING_INDEX_MIN_ROWS_PER_SCAN,
  ADVICE_SOURCES,
  adviseMissingIndexes,
  type AdviceSource,
  type AdviceStatement,
  type MissingIndexCandidate,
  type MissingIndexResult,
} from './missing-index';
export { qualstatsPredicates, type QualstatsPredicates } from './qualstats';
