// Reads the inputs people write: every clusters/<name>/cluster.yaml. All problems in
// all files are collected before anything fails.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClusterConfig, parseClusterConfig } from '../core/cluster-config.ts';
import { ConfigError, type Problem, UserError } from '../core/errors.ts';
import { DIRS, FILES } from '../core/names.ts';

export async function listClusterNames(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, DIRS.clusters), { withFileTypes: true });
  } catch {
    throw new UserError(`no ${DIRS.clusters}/ folder in ${root}`, 'run this from the somastack repository root');
  }
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const has = await readFile(join(root, DIRS.clusters, e.name, FILES.clusterConfig), 'utf8').then(
      () => true,
      () => false,
    );
    if (has) names.push(e.name);
  }
  return names.sort();
}

/** Loads and validates every cluster.yaml; throws one ConfigError listing every problem. */
export async function loadClusters(root: string): Promise<ClusterConfig[]> {
  const names = await listClusterNames(root);
  if (!names.length)
    throw new UserError(
      `no ${DIRS.clusters}/<name>/${FILES.clusterConfig} found`,
      'add a cluster (see docs/architecture.md)',
    );
  const configs: ClusterConfig[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const file = `${DIRS.clusters}/${name}/${FILES.clusterConfig}`;
    const text = await readFile(join(root, file), 'utf8');
    const r = parseClusterConfig(file, name, text);
    if (r.ok) configs.push(r.config);
    else problems.push(...r.problems);
  }
  if (problems.length) throw new ConfigError(`${problems.length} problem(s) in cluster configuration:`, problems);
  return configs;
}

/** Loads one cluster by name, with the list of known clusters in the error when it does not exist. */
export async function loadCluster(root: string, name: string): Promise<ClusterConfig> {
  const all = await loadClusters(root);
  const found = all.find((c) => c.name === name);
  if (!found) throw new UserError(`unknown cluster '${name}'`, `one of: ${all.map((c) => c.name).join(', ')}`);
  return found;
}
