// Reads the inputs people write: every clusters/<name>/cluster.yaml. All problems in
// all files are collected before anything fails.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClusterConfig, crossClusterProblems, parseClusterConfig } from '../core/cluster-config.ts';
import { ConfigError, type Problem, UserError } from '../core/errors.ts';
import { DIRS, FILES } from '../core/names.ts';

function missingConfig(name: string, files: string[]): Problem {
  const dir = `${DIRS.clusters}/${name}/`;
  const near = files.find((f) => /^cluster\.(yml|json|YAML|yaml\.\w+)$/.test(f) || /\.ya?ml$/i.test(f));
  return near
    ? {
        file: `${dir}${near}`,
        path: '',
        message: `is not read: the cluster file must be named ${FILES.clusterConfig}`,
        hint: `rename it: git mv ${dir}${near} ${dir}${FILES.clusterConfig}`,
      }
    : {
        file: dir,
        path: '',
        message: `has no ${FILES.clusterConfig}`,
        hint: `add ${dir}${FILES.clusterConfig} (docs/architecture.md), or remove the folder`,
      };
}

export async function listClusterNames(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, DIRS.clusters), { withFileTypes: true });
  } catch {
    throw new UserError(`no ${DIRS.clusters}/ folder in ${root}`, 'run this from the somastack repository root');
  }
  const names: string[] = [];
  const problems: Problem[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const files = await readdir(join(root, DIRS.clusters, e.name));
    if (files.includes(FILES.clusterConfig)) names.push(e.name);
    else problems.push(missingConfig(e.name, files));
  }
  // An input that is not recognised is an error, never an absence: a renamed cluster.yml
  // would otherwise drop that cluster's generated files without a word.
  if (problems.length)
    throw new ConfigError(`${problems.length} cluster folder(s) without ${FILES.clusterConfig}:`, problems);
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
  problems.push(...crossClusterProblems(configs));
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
