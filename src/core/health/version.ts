// The Argo CD release the health rules were last checked against, line by line, in its
// health code (gitops-engine/pkg/health in the argo-cd repository) and the health scripts
// it ships (resource_customizations/<group>/<kind>/health.lua). Last read: the v3.5.1 tag
// and the release-3.5 branch as of 2026-08-22, which v3.5.3 and v3.5.4 are cut from. The
// commits between that date and v3.5.4 (a security patch) could not be read here: compare
// them when the network allows (docs/upgrading.md, "Argo CD"). When the Argo CD
// pin (versions.ts) moves past it, `validate` reports HEALTH-RULES-VERSION until someone
// re-checks the rules against the new release and moves this constant (docs/operations.md,
// "How health is judged").
export const HEALTH_RULES_ARGOCD_VERSION = 'v3.5.4';
