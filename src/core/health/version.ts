// The Argo CD release the health rules were last checked against, line by line, in its
// health code and the health scripts it ships. When the Argo CD pin (versions.ts) moves
// past it, `validate` reports HEALTH-RULES-VERSION until someone re-checks the rules
// against the new release and moves this constant (docs/operations.md, "Health rules").
export const HEALTH_RULES_ARGOCD_VERSION = 'v3.5.3';
