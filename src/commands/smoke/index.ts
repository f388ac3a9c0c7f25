// The checklist: every component's checks, derived from the component specs
// (`ComponentSpec.smoke`; the checks themselves are in src/core/smoke/checks/).
export { SMOKE_CHECKS } from '../../core/contracts.ts';

/** The name of the API-only check that every pod in soma-infra is Ready (no Job needed). */
export const PODS_CHECK = 'pods';
