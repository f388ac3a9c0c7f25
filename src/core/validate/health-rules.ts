// The offline health rules mirror one Argo CD release (src/core/health/version.ts). When
// the pinned Argo CD moves past it, a finding holds the bump until someone has checked the
// rules against the new release: a pin change must not silently leave them behind.
import { HEALTH_RULES_ARGOCD_VERSION } from '../health/version.ts';
import { ARGOCD_VERSION } from '../versions.ts';
import type { Finding } from './report.ts';

export function healthRulesFinding(
  pinned = ARGOCD_VERSION,
  mirrored = HEALTH_RULES_ARGOCD_VERSION,
): Finding | undefined {
  if (pinned === mirrored) return undefined;
  return {
    stage: 'inputs',
    severity: 'error',
    rule: 'HEALTH-RULES-VERSION',
    file: 'src/core/health/version.ts',
    message: `the health rules mirror Argo CD ${mirrored}, but Argo CD ${pinned} is pinned (src/core/versions.ts): health, status --direct and bootstrap's wait may judge some kinds differently from the Argo CD that runs`,
    fix: `check src/core/health against Argo CD ${pinned}'s health code and shipped health scripts, then set HEALTH_RULES_ARGOCD_VERSION to '${pinned}' (docs/upgrading.md)`,
  };
}
