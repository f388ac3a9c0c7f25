// What a policy rule is: an id, a one-line rationale, a fix, and a check. Object rules
// look at one object; set rules look at everything rendered for a cluster (a
// NetworkPolicy covers pods of other objects; a contract needs a Service to exist).
import type { ClusterConfig } from '../../cluster-config.ts';
import type { KubeObject } from '../../kube.ts';
import { podSpecOf } from '../../kube.ts';
import { type Environment, ENVIRONMENTS, LABELS } from '../../names.ts';
import type { ObjectItem } from '../documents.ts';

export interface Violation {
  pointer: string;
  message: string;
  /** Overrides the rule's general fix when there is a more precise one. */
  fix?: string;
}

export interface PolicyContext {
  mode: 'repository' | 'files';
  /** Repository mode: the cluster whose render is checked. */
  cluster?: ClusterConfig;
}

interface RuleInfo {
  id: string;
  title: string;
  /** Why the rule exists, in one line. */
  rationale: string;
  /** How to comply, in general. */
  fix: string;
}

export interface ObjectRule extends RuleInfo {
  scope: 'object';
  check(o: KubeObject, ctx: PolicyContext): Violation[];
}

export interface SetViolation extends Violation {
  /** The object the violation is about; absent when something is missing altogether. */
  item?: ObjectItem;
  /** Where to report a violation that has no object (e.g. the overlay that should render it). */
  file?: string;
  object?: { kind: string; namespace?: string; name: string };
}

export interface SetRule extends RuleInfo {
  scope: 'set';
  /** Only meaningful for this repository's render (not for --files). */
  repositoryOnly: true;
  check(items: readonly ObjectItem[], ctx: PolicyContext): SetViolation[];
}

export type Rule = ObjectRule | SetRule;

/** The environment a check applies to: the cluster's, else the object's soma.sh/environment label. */
export function environmentOf(o: KubeObject, ctx: PolicyContext): Environment | undefined {
  if (ctx.cluster) return ctx.cluster.environment;
  const label = o.metadata.labels?.[LABELS.environment];
  return (ENVIRONMENTS as readonly string[]).includes(label ?? '') ? (label as Environment) : undefined;
}

export interface ContainerAt {
  container: Record<string, any>;
  pointer: string;
  /** 'containers' | 'initContainers' | 'ephemeralContainers' */
  list: string;
  /** An init container with restartPolicy Always: a sidecar that runs for the pod's lifetime. */
  sidecar: boolean;
}

export interface PodAt {
  spec: Record<string, any>;
  pointer: string;
  /** Labels the pods get (the template's), with their pointer. */
  labels: Record<string, string>;
  labelsPointer: string;
  containers: ContainerAt[];
}

/** The pod spec of a workload with every container and the pointers to them. */
export function podOf(o: KubeObject): PodAt | undefined {
  const found = podSpecOf(o);
  if (!found) return undefined;
  const templatePointer = found.pointer.replace(/\/spec$/, '');
  const meta =
    o.kind === 'Pod'
      ? (o.metadata as Record<string, any>)
      : ((valueAt(o, templatePointer) as Record<string, any> | undefined)?.metadata ?? {});
  const containers: ContainerAt[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const arr = found.spec[list];
    if (!Array.isArray(arr)) continue;
    arr.forEach((c: unknown, i: number) => {
      if (!c || typeof c !== 'object') return;
      const container = c as Record<string, any>;
      containers.push({
        container,
        pointer: `${found.pointer}/${list}/${i}`,
        list,
        sidecar: list === 'initContainers' && container.restartPolicy === 'Always',
      });
    });
  }
  return {
    spec: found.spec as Record<string, any>,
    pointer: found.pointer,
    labels: (meta.labels ?? {}) as Record<string, string>,
    labelsPointer: o.kind === 'Pod' ? '/metadata/labels' : `${templatePointer}/metadata/labels`,
    containers,
  };
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const key of pointer.split('/').slice(1))
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

/** Kinds whose pods run to completion: probes are not required for them. */
export function runsToCompletion(o: KubeObject): boolean {
  return o.kind === 'Job' || o.kind === 'CronJob';
}

export function containerName(c: ContainerAt): string {
  return typeof c.container.name === 'string' ? c.container.name : c.pointer.split('/').slice(-2).join('/');
}

export const escapeKey = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
