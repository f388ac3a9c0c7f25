// Rules about objects as a whole: no secret values in git, the recommended labels, and
// the Argo CD model (projects that are not wide open, automated sync that prunes and heals).
import { BOOTSTRAP_PROJECT, sharedInfraProject } from '../../argocd.ts';
import { isComponentName } from '../../contracts.ts';
import { LABELS } from '../../names.ts';
import { type ObjectRule, type Violation, escapeKey } from './types.ts';

export const noSecretDataRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-NO-SECRET-DATA',
  title: 'No Secret values in git',
  rationale:
    'everything rendered here is committed; a Secret with data puts credentials in the repository history for good',
  fix: 'create the Secret outside git: bootstrap generates them with random values, or a secrets operator provides them (secrets.provider: external)',
  check(o) {
    if (o.kind !== 'Secret' || o.apiVersion !== 'v1') return [];
    const out: Violation[] = [];
    for (const field of ['data', 'stringData']) {
      const v = o[field];
      if (v && typeof v === 'object' && Object.keys(v).length) {
        out.push({ pointer: `/${field}`, message: `Secret carries ${field} (${Object.keys(v).sort().join(', ')})` });
      }
    }
    return out;
  },
};

const REQUIRED_LABELS = [LABELS.name, LABELS.component, LABELS.partOf, LABELS.managedBy];

export const labelsRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-LABELS',
  title: 'Recommended labels',
  rationale:
    'app.kubernetes.io/{name,component,part-of,managed-by} group objects in the Argo CD UI, in kubectl selectors and in dashboards',
  fix: `add the labels ${REQUIRED_LABELS.join(', ')}`,
  check(o) {
    const labels = o.metadata.labels ?? {};
    const missing = REQUIRED_LABELS.filter((l) => typeof labels[l] !== 'string' || !labels[l]);
    if (!missing.length) return [];
    return [
      {
        pointer: o.metadata.labels ? '/metadata/labels' : '/metadata',
        message: `missing label${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      },
    ];
  },
};

const isArgo = (apiVersion: string) => apiVersion.startsWith('argoproj.io/');

export const argoProjectRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-ARGOCD-PROJECT',
  title: 'Applications in a narrow AppProject',
  rationale:
    "the 'default' project and '*' sources or destinations let an Application deploy anything anywhere; the shared-infra project allows only this repository and soma-infra",
  fix: "put component Applications in the cluster's shared-infra project and list exact repositories and destinations in AppProjects",
  check(o, ctx) {
    if (!isArgo(o.apiVersion)) return [];
    const spec = (o.spec ?? {}) as Record<string, any>;
    const out: Violation[] = [];
    if (o.kind === 'Application') {
      const project = spec.project;
      const component = o.metadata.labels?.[LABELS.component] ?? '';
      const expected = !ctx.cluster
        ? undefined
        : isComponentName(component)
          ? sharedInfraProject(ctx.cluster)
          : BOOTSTRAP_PROJECT;
      if (project === 'default')
        out.push({ pointer: '/spec/project', message: "uses the wide-open 'default' project" });
      else if (expected && project !== expected)
        out.push({
          pointer: '/spec/project',
          message: `is in project '${String(project)}', expected '${expected}'`,
          fix: `set spec.project: ${expected}`,
        });
    }
    if (o.kind === 'AppProject') {
      (Array.isArray(spec.sourceRepos) ? spec.sourceRepos : []).forEach((r: unknown, i: number) => {
        if (r === '*') out.push({ pointer: `/spec/sourceRepos/${i}`, message: "allows any source repository ('*')" });
      });
      (Array.isArray(spec.destinations) ? spec.destinations : []).forEach((d: Record<string, unknown>, i: number) => {
        for (const f of ['server', 'name', 'namespace']) {
          if (d?.[f] === '*')
            out.push({ pointer: `/spec/destinations/${i}/${f}`, message: `allows any destination ${f} ('*')` });
        }
      });
    }
    return out;
  },
};

export const argoSyncRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-ARGOCD-SYNC',
  title: 'Automated sync with prune and self-heal',
  rationale:
    'git is the source of truth: without prune, deleted objects linger in the cluster; without self-heal, manual changes drift silently',
  fix: 'set spec.syncPolicy.automated: {prune: true, selfHeal: true}',
  check(o) {
    if (!isArgo(o.apiVersion) || o.kind !== 'Application') return [];
    const automated = (o.spec as any)?.syncPolicy?.automated;
    if (!automated || typeof automated !== 'object' || automated.enabled === false) {
      return [{ pointer: '/spec/syncPolicy/automated', message: 'has no automated sync' }];
    }
    const out: Violation[] = [];
    for (const f of ['prune', 'selfHeal']) {
      if (automated[f] !== true)
        out.push({ pointer: `/spec/syncPolicy/automated/${escapeKey(f)}`, message: `automated sync without ${f}` });
    }
    return out;
  },
};
