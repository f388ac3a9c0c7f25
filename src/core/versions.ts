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
/** Kubernetes 1.34 node image built for kind v0.33.0, pinned by digest as kind's release notes require. */
// renovate: datasource=docker depName=kindest/node
export const KIND_NODE_IMAGE =
  'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d';
/** The node image's Kubernetes version (its tag), so the two cannot disagree. */
export const KUBERNETES_VERSION = /:(v[^@]+)@/.exec(KIND_NODE_IMAGE)![1]!;

/**
 * The oldest kubectl this project works with: rendering runs `kubectl kustomize` when no
 * standalone kustomize is installed, and kubectl embeds kustomize v5 from 1.27 on.
 */
export const MIN_KUBECTL_VERSION = 'v1.27.0';
/** MIN_KUBECTL_VERSION as people write it in prose: '1.27'. */
export const MIN_KUBECTL_MINOR = MIN_KUBECTL_VERSION.replace(/^v(\d+\.\d+)\..*$/, '$1');
