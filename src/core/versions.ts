// Every pinned version of the platform itself, in one place. Component images are
// pinned in their own modules (src/core/components/*.ts). Renovate updates each pin: the
// `renovate:` comment names where its new versions come from (renovate.json, and
// docs/upgrading.md for how a bump reaches the clusters).

/**
 * Argo CD release installed by bootstrap/argocd and bootstrap/argocd-ha: the newest 3.5 patch
 * we could confirm (docs/upgrading.md says where the evidence came from).
 */
// renovate: datasource=github-releases depName=argoproj/argo-cd
export const ARGOCD_VERSION = 'v3.5.4';
/** The upstream install a profile starts from: non-HA for Kind, HA for every other cluster. */
export const argocdInstallUrl = (profile: 'dev' | 'ha') =>
  `https://raw.githubusercontent.com/argoproj/argo-cd/${ARGOCD_VERSION}/manifests/${profile === 'ha' ? 'ha/' : ''}install.yaml`;

/** kind release whose pre-built node images we use (v0.33.0 release notes list the digests). */
// renovate: datasource=github-releases depName=kubernetes-sigs/kind
export const KIND_VERSION = 'v0.33.0';
/**
 * Kubernetes 1.35 node image built for kind v0.33.0, pinned by digest as kind's release notes
 * require. 1.34 reached its upstream end of life in October 2026; 1.35 is supported, Argo CD
 * 3.5 is tested with it (1.36, 1.35, 1.34, 1.33), and it stays within one minor of the pinned
 * kubectl (src/adapters/tools.ts). Evidence: docs/upgrading.md.
 */
// renovate: datasource=docker depName=kindest/node
export const KIND_NODE_IMAGE =
  'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0';
/** The node image's Kubernetes version (its tag), so the two cannot disagree. */
export const KUBERNETES_VERSION = /:(v[^@]+)@/.exec(KIND_NODE_IMAGE)![1]!;

/**
 * The oldest kubectl this project works with: rendering runs `kubectl kustomize` when no
 * standalone kustomize is installed, and kubectl embeds kustomize v5 from 1.27 on.
 */
export const MIN_KUBECTL_VERSION = 'v1.27.0';
/** MIN_KUBECTL_VERSION as people write it in prose: '1.27'. */
export const MIN_KUBECTL_MINOR = MIN_KUBECTL_VERSION.replace(/^v(\d+\.\d+)\..*$/, '$1');
