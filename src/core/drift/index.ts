// Drift between what git says should run and what runs: one comparison (compare.ts)
// fed by two sources of truth for "what it would be" — the API server's server-side
// apply dry-run (live) or the desired object with offline normalisation (files).
export type { DriftReport, DriftState, FieldChange, FieldSet, ObjectDrift } from './types.ts';
export { compareObjects, formatPath } from './compare.ts';
export { fieldSetOf, ownedFieldSet, unionFieldSets } from './fieldset.ts';
export { normalizeDesired, stripServerFields } from './normalize.ts';
export {
  type DesiredApp,
  type OrphanOptions,
  DEFAULT_OWNER_POLICY,
  ownerPolicyFor,
  errorDrift,
  findOrphans,
  offlineDrift,
  offlineObjectDrift,
  ownedNamespaces,
  serverSideObjectDrift,
  sortDrifts,
} from './report.ts';
export { renderChange, renderDriftText } from './render.ts';
export { parseObjects } from './input.ts';
export {
  ARGOCD_SYNC_MANAGER,
  DEFAULT_TRUSTED_MANAGERS,
  fieldsOutsideGit,
  isTrustedManager,
  type OwnerPolicy,
  subtractFieldSets,
} from './owners.ts';
