export { planFingerprint } from './fingerprint';
export {
  PLAN_RECAPTURE_MS,
  PLAN_STATEMENT_TIMEOUT_MS,
  PLAN_TOP_N,
  explainPlan,
  pickPlanCandidates,
  planRefusal,
  withPlanFingerprints,
  withWindowTotals,
  type PlanCandidate,
  type PlanCapture,
} from './capture';
