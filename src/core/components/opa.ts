// OPA: the policy decision point of the Soma stack (opa.soma-infra.svc:8181).
//
// Consumers POST {"input": {identity, request, service, tenant, context}} to
// /v1/data/soma/allow (the contract in docs/contracts.md) and get a boolean, default deny. The
// policy (Rego v1, the .rego files in ./opa/, read by an adapter and handed to the
// builders as BuildContext.files) and its data document (./opa/data.ts) come from two
// ConfigMaps, are mounted read-only and loaded by file path (loading the mount directory
// would also pick up the kubelet's `..data` copies). OPA's own API is closed down with
// `--authorization=basic` (./opa/authz.rego): only decisions
// under data.soma, /health and /metrics are served, so nobody can push a policy or
// data over the wire — changes go through git. Decision logs go to stdout.
import { InternalError } from '../errors.ts';
import type { KubeObject, V1Container } from '../kube.ts';
import type { Environment } from '../names.ts';
import { OPA_DECISION_PATH, renderPolicyData } from './opa/data.ts';

export { OPA_DECISION_PATH };
import { contractService, headlessService } from './services.ts';
import { opaDashboard } from './dashboards/opa.ts';
import { type BuildContext, type ComponentSpec, type ConfigMapFiles, type ServiceSpec } from './spec.ts';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  container,
  deployment,
  emptyDir,
  httpProbe,
  podDisruptionBudget,
  type Sizing,
} from './workload.ts';
import { opaSmoke } from '../smoke/checks/opa.ts';

/**
 * Official image, static variant (no libc, nothing but the binary). The 1.19.1 release
 * and this tag were confirmed from public references pinning it by digest (sha256:32bf41d9…).
 */
export const OPA_IMAGE = 'docker.io/openpolicyagent/opa:1.19.1-static';
/** The consumer contract and internal ports (docs/contracts.md). */
export const OPA_SERVICE: ServiceSpec = { port: 8181, secrets: [], metrics: { port: 8181, path: '/metrics' } };
/** The image's Dockerfile sets USER 1000:1000. */
const UID = 1000;

interface OpaProfile {
  replicas: number;
  sizing: Sizing;
  /** Every request of every Soma service waits on a decision: never drain all replicas at once. */
  disruptionBudget: boolean;
}

const PROFILES: Record<Environment, OpaProfile> = {
  dev: {
    replicas: 1,
    sizing: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '512Mi' } },
    disruptionBudget: false,
  },
  staging: {
    replicas: 2,
    sizing: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    disruptionBudget: false,
  },
  prod: {
    replicas: 3,
    sizing: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    disruptionBudget: true,
  },
};

export const OPA_POLICY_CONFIGMAP = 'opa-policy';
export const OPA_DATA_CONFIGMAP = 'opa-data';
const POLICY_DIR = '/policy';
const DATA_DIR = '/policy-data';
const PORT = OPA_SERVICE.port;
const METRICS_PORT = OPA_SERVICE.metrics.port;
const PORT_NAME = 'http';

/** Where the Rego sources live in the repository. */
const REGO_DIR = 'src/core/components/opa';
/** ConfigMap key → repository file: the policies the server loads. */
const POLICY_FILES = { 'soma.rego': `${REGO_DIR}/soma.rego`, 'authz.rego': `${REGO_DIR}/authz.rego` };
/** Their tests: in the repository beside the policy, never in the ConfigMap (the server must not load tests). */
const POLICY_TEST_FILES = {
  'soma_test.rego': `${REGO_DIR}/soma_test.rego`,
  'authz_test.rego': `${REGO_DIR}/authz_test.rego`,
};
const DATA_FILE = 'data.json';

function readSources(ctx: BuildContext, byName: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(byName).map(([name, path]) => {
      const text = ctx.files[path];
      if (text === undefined)
        throw new InternalError(`${path} was not handed to the planner: list it in the opa spec's sourceFiles`);
      return [name, text];
    }),
  );
}

function configFiles(ctx: BuildContext): ConfigMapFiles[] {
  return [
    {
      name: OPA_POLICY_CONFIGMAP,
      files: readSources(ctx, POLICY_FILES),
      extraFiles: readSources(ctx, POLICY_TEST_FILES),
    },
    { name: OPA_DATA_CONFIGMAP, files: { [DATA_FILE]: renderPolicyData() } },
  ];
}

/** The files `opa test` needs (policy, tests and data), by name, for the test runner and the docs. */
export function opaTestFiles(ctx: BuildContext): Record<string, string> {
  return Object.fromEntries(
    configFiles(ctx).flatMap((c) => [...Object.entries(c.files), ...Object.entries(c.extraFiles ?? {})]),
  );
}

function serverArgs(): string[] {
  const policyFiles = Object.keys(POLICY_FILES).map((f) => `${POLICY_DIR}/${f}`);
  const dataFiles = [`${DATA_DIR}/${DATA_FILE}`];
  // A separate metrics listener only if the table ever moves metrics off the API port.
  const diagnostic = METRICS_PORT === PORT ? [] : [`--diagnostic-addr=0.0.0.0:${METRICS_PORT}`];
  return [
    'run',
    '--server',
    `--addr=0.0.0.0:${PORT}`,
    ...diagnostic,
    '--authorization=basic',
    // No version check or anonymous usage report to openpolicyagent.org (egress is denied anyway).
    '--disable-telemetry',
    '--log-format=json',
    '--log-level=info',
    '--set=decision_logs.console=true',
    ...policyFiles,
    ...dataFiles,
  ];
}

function opaContainer(p: OpaProfile): V1Container {
  const ports = [{ name: PORT_NAME, containerPort: PORT }];
  if (METRICS_PORT !== PORT) ports.push({ name: 'metrics', containerPort: METRICS_PORT });
  return container({
    name: 'opa',
    image: OPA_IMAGE,
    args: serverArgs(),
    ports,
    sizing: p.sizing,
    liveness: httpProbe('/health', PORT_NAME),
    // ?plugins: not ready until the decision-log plugin (and any future bundle) reports OK.
    readiness: httpProbe('/health?plugins', PORT_NAME, { periodSeconds: 5, failureThreshold: 3 }),
    mounts: [
      { name: 'policy', mountPath: POLICY_DIR, readOnly: true },
      { name: 'policy-data', mountPath: DATA_DIR, readOnly: true },
      // OPA itself writes nothing; Go's os.TempDir users (and `opa` debugging via exec) get a scratch /tmp.
      { name: 'tmp', mountPath: '/tmp' },
    ],
  });
}

function build(env: Environment, ctx: BuildContext): KubeObject[] {
  const p = PROFILES[env];
  const configured = Object.fromEntries(
    configFiles(ctx).flatMap((c) => Object.entries(c.files).map(([f, text]) => [`${c.name}/${f}`, text])),
  );
  const objects: KubeObject[] = [
    contractService('opa', OPA_SERVICE, PORT_NAME),
    // Prometheus resolves this name to every replica (DNS service discovery).
    headlessService('opa', OPA_SERVICE, { portName: PORT_NAME }),
    deployment({
      component: 'opa',
      replicas: p.replicas,
      podAnnotations: { [CONFIG_HASH_ANNOTATION]: configHash(configured) },
      pod: {
        uid: UID,
        containers: [opaContainer(p)],
        volumes: [
          { name: 'policy', configMap: { name: OPA_POLICY_CONFIGMAP } },
          { name: 'policy-data', configMap: { name: OPA_DATA_CONFIGMAP } },
          emptyDir('tmp', '16Mi'),
        ],
        antiAffinityFor: p.replicas > 1 ? 'opa' : undefined,
      },
    }),
  ];
  if (p.disruptionBudget) objects.push(podDisruptionBudget('opa'));
  return objects;
}

export const opa: ComponentSpec = {
  name: 'opa',
  description: 'OPA policy decision point: /v1/data/soma/allow, default deny, service allowlist and tenant enforcement',
  tier: 'policy',
  uid: UID,
  service: OPA_SERVICE,
  dependsOn: [{ component: 'vault', why: 'OPA reads policy secrets from Vault', optional: true }],
  dashboard: opaDashboard,
  smoke: [opaSmoke],
  sourceFiles: [...Object.values(POLICY_FILES), ...Object.values(POLICY_TEST_FILES)],
  images: [{ role: 'opa server', image: OPA_IMAGE }],
  build,
  configFiles,
};
