// What each cluster.yaml schema error means, for a person: the field, the problem and the fix.
import type { ErrorObject } from 'ajv';
import { backupPatternMessage } from './cluster-backup.ts';
import { CLUSTER_SCHEMA } from './cluster-config.ts';
import type { Problem } from './errors.ts';

/** Turns one ajv error into a problem a person can act on. */
export function describe(file: string, e: ErrorObject): Problem {
  const path = e.instancePath || '/';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const parent = schemaAt(e.instancePath);
      const allowed = parent ? Object.keys(parent).join(', ') : '';
      return {
        file,
        path: `${e.instancePath}/${key}`,
        message: `unknown key '${key}'`,
        hint: `remove it; allowed keys here: ${allowed}`,
      };
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return {
        file,
        path: `${e.instancePath}/${key}`,
        message: `'${key}' is required`,
        hint: `add ${key} (see docs/clusters.md for what it holds)`,
      };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.join(', ');
      return { file, path, message: `must be one of: ${allowed}`, hint: `write one of: ${allowed}` };
    }
    case 'pattern':
      return {
        file,
        path,
        message: `'${String(e.data)}' ${patternMessage(e.instancePath)}`,
        hint: 'see docs/clusters.md for the form this field takes',
      };
    case 'uniqueItems':
      return { file, path, message: 'lists a component more than once', hint: 'name each component once' };
    default:
      return { file, path, message: e.message ?? 'is invalid', hint: 'see docs/clusters.md for this field' };
  }
}

function patternMessage(instancePath: string): string {
  if (instancePath.startsWith('/backup')) return backupPatternMessage(instancePath) ?? 'has the wrong format';
  if (instancePath.endsWith('/server'))
    return "is not an https:// API server URL (in-cluster: 'https://kubernetes.default.svc')";
  if (instancePath.endsWith('/url')) return 'is not a git URL (https://…, ssh://… or git@host:path)';
  if (instancePath.endsWith('/revision')) return 'is not a git revision (a branch, tag or commit, without spaces)';
  if (instancePath.startsWith('/kind')) return 'is not a valid Kind cluster name (lowercase letters, digits and -)';
  if (instancePath.startsWith('/argocd'))
    return 'is not a cluster name of this repository (lowercase letters, digits and -)';
  if (instancePath.startsWith('/identity'))
    return "is not a UID (`kubectl get namespace kube-system -o jsonpath='{.metadata.uid}'` prints it)";
  if (instancePath === '/context') return 'is not a kubeconfig context name (no spaces)';
  if (instancePath.startsWith('/drift'))
    return "is not a field manager name (no spaces; a trailing '*' matches a prefix, e.g. 'vpa-*')";
  return 'has the wrong format';
}

function schemaAt(instancePath: string): Record<string, unknown> | undefined {
  let node: any = CLUSTER_SCHEMA;
  for (const part of instancePath.split('/').filter(Boolean)) node = node?.properties?.[part] ?? node?.items;
  return node?.properties;
}
