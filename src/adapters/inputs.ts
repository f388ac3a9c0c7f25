// Reads the inputs people write: every clusters/<name>/cluster.yaml. All problems in
// all files are collected before anything fails.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClusterConfig, parseClusterConfig } from '../core/cluster-config.ts';
import { clusterSetProblems } from '../core/cluster-set.ts';
import { ConfigError, type Problem, UserError } from '../core/errors.ts';
import { clusterConfigPath, DIRS, FILES, LEGACY_CLUSTER_FILES } from '../core/names.ts';

/** The fix for a file in clusters/ that is not a cluster.yaml. */
function strayFix(dir: string, name: string): string {
  if (/^cluster\.(yml|json|ya?ml\..+)$/i.test(name) || name.toLowerCase() === FILES.clusterConfig)
    return `rename it: git mv ${DIRS.clusters}/${dir}/${name} ${DIRS.clusters}/${dir}/${FILES.clusterConfig}`;
  return `${DIRS.clusters}/<name>/ holds only ${FILES.clusterConfig} (generated files live in ${DIRS.clusterBootstrap}/<name>/): move it elsewhere`;
}

/** Problems with what is in clusters/<dir>/ besides cluster.yaml; [] when it has one and nothing else. */
async function clusterDirProblems(root: string, dir: string): Promise<{ hasConfig: boolean; problems: Problem[] }> {
  const entries = await readdir(join(root, DIRS.clusters, dir), { withFileTypes: true });
  const problems: Problem[] = [];
  let hasConfig = false;
  for (const e of entries) {
    if (e.name.startsWith('.')) continue; // .gitkeep, .DS_Store: not inputs, not mistakes
    if (e.isFile() && e.name === FILES.clusterConfig) hasConfig = true;
    // Generated files an earlier layout kept here: generate removes them, diff reads old revisions.
    else if (e.isFile() && LEGACY_CLUSTER_FILES.includes(e.name)) continue;
    else
      problems.push({
        file: `${DIRS.clusters}/${dir}/${e.name}${e.isDirectory() ? '/' : ''}`,
        path: '',
        message: 'is not a file somastack reads',
        hint: strayFix(dir, e.name),
      });
  }
  if (!hasConfig && problems.length) {
    problems.unshift({
      file: `${DIRS.clusters}/${dir}/`,
      path: '',
      message: `has no ${FILES.clusterConfig}, so this cluster would be skipped`,
      hint: `add ${clusterConfigPath(dir)} (see docs/clusters.md)`,
    });
  }
  return { hasConfig, problems };
}

/**
 * The clusters of the repository: every clusters/<name>/ with a cluster.yaml. Anything else in
 * clusters/ (a cluster.yml, a stray file) is an error naming it: an input that is not
 * recognised must not silently drop a cluster.
 */
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
    if (e.name.startsWith('.')) continue;
    if (!e.isDirectory()) {
      if (!/\.md$/i.test(e.name))
        problems.push({
          file: `${DIRS.clusters}/${e.name}`,
          path: '',
          message: 'is not a file somastack reads',
          hint: `each cluster is a folder: ${DIRS.clusters}/<name>/${FILES.clusterConfig}`,
        });
      continue;
    }
    const dir = await clusterDirProblems(root, e.name);
    problems.push(...dir.problems);
    if (dir.hasConfig) names.push(e.name);
  }
  if (problems.length) throw new ConfigError(`${problems.length} problem(s) in ${DIRS.clusters}/:`, problems);
  return names.sort();
}

/** Loads and validates every cluster.yaml; throws one ConfigError listing every problem. */
export async function loadClusters(root: string): Promise<ClusterConfig[]> {
  const names = await listClusterNames(root);
  if (!names.length)
    throw new UserError(
      `no ${DIRS.clusters}/<name>/${FILES.clusterConfig} found`,
      'add a cluster (see docs/clusters.md)',
    );
  const configs: ClusterConfig[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const file = clusterConfigPath(name);
    const text = await readFile(join(root, file), 'utf8');
    const r = parseClusterConfig(file, name, text);
    if (r.ok) configs.push(r.config);
    else problems.push(...r.problems);
  }
  if (!problems.length) problems.push(...clusterSetProblems(configs));
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
