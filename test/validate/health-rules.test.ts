// A pin bump of Argo CD cannot leave the offline health rules behind unnoticed.
import { describe, expect, it } from 'vitest';
import { HEALTH_RULES_ARGOCD_VERSION } from '../../src/core/health.ts';
import { healthRulesFinding } from '../../src/core/validate/health-rules.ts';
import { ARGOCD_VERSION } from '../../src/core/versions.ts';

describe('HEALTH-RULES-VERSION', () => {
  it('is quiet while the rules mirror the pinned Argo CD', () => {
    expect(HEALTH_RULES_ARGOCD_VERSION).toBe(ARGOCD_VERSION);
    expect(healthRulesFinding()).toBeUndefined();
  });

  it('is an error naming both versions and the fix once the pin moves', () => {
    expect(healthRulesFinding('v3.6.0', 'v3.5.3')).toMatchObject({
      rule: 'HEALTH-RULES-VERSION',
      severity: 'error',
      file: 'src/core/health/version.ts',
      message: expect.stringContaining('mirror Argo CD v3.5.3, but Argo CD v3.6.0 is pinned'),
      fix: expect.stringContaining("set HEALTH_RULES_ARGOCD_VERSION to 'v3.6.0'"),
    });
  });
});
