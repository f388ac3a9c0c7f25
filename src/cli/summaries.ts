// What each user command does, in one line: shared by `--help` and the command itself.
/**
 * The one-line summary of each user command, here and not only in the command's module, so
 * the global help loads no command module at all (each pulls its option table, and validate
 * and smoke their rule and check lists). Each command's `summary` is its entry here.
 */
const TABLE = {
  bootstrap:
    'bring up a cluster (local Kind, or any cluster a kubeconfig context reaches) with Argo CD and wait until every Application is Synced and Healthy',
  teardown: 'delete the local Kind cluster, or remove what bootstrap put into any other cluster (asks first)',
  generate: 'write base/, overlays/, apps/ and bootstrap/ from the TypeScript source and clusters/*/cluster.yaml',
  render: 'print (or write) the fully rendered manifests Argo CD will apply, using real kustomize',
  validate: 'offline: inputs, generated tree up to date, render, schema, policy and budget — every problem at once',
  diff: 'compare the rendered manifests of two git revisions, per cluster and Application; --post upserts the PR comment',
  status: 'live sync and health of every Argo CD Application, and what is not OK',
  drift: 'what runs vs what git says should run, field by field (detect-only)',
  smoke: 'run the readiness checklist (docs/operations.md) against the live cluster',
  health: 'offline: the health Argo CD would assess for every object in the given files',
  sync: "push HEAD to the local cluster's in-cluster git server and wait until every Application runs it",
} as const;

/** By name, and by any string (the global help looks a command up by the key it was given). */
export const SUMMARIES: typeof TABLE & Readonly<Record<string, string | undefined>> = TABLE;
