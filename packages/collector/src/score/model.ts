/**
 * The lead-scoring model: the public entry point others import.
 * Everything here is pure (no I/O, no clock of its own): the caller passes the company's
 * facts, the site's model and the time. MODEL.md documents the formulas and defaults.
 */
export type {
  CompanyFacts,
  ComponentName,
  EngagementSignal,
  FitDimension,
  IcpProfile,
  IntentPattern,
  SaturatingWeight,
  ScoreBreakdown,
  ScoreComponent,
  ScoringModel,
  ScoringModelPatch,
} from './types.js';
export { defaultScoringModel } from './defaults.js';
export { applyScoringPatch, mergeScoringModel, scoringModelPatchSchema, scoringModelSchema, type ScoringIssue, type ScoringPatchResult } from './schema.js';
export { scoreCompany, scoreCompanyWithBase, decayedTotal, clampTotal } from './score.js';
export { modelLabel, SCORING_FORMULA_VERSION } from './compile.js';
export type { FitOutcome } from './fit.js';
export type { IntentMatch } from './intent.js';
