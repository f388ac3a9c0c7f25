// What commands reach the world through, built in one place. main() hands it to every
// command in its context; tests replace parts of it (a scripted process runner, a fixed
// run id, a fast poll) instead of setting environment variables.
import { runProcess, type Runner } from '../adapters/process.ts';

export interface Deps {
  /** Runs external programs (kind, kubectl, git): the one process wrapper. */
  runner: Runner;
  /** A short id for a run's resources (smoke namespaces), unique enough per run. */
  newRunId(): string;
  /** How often a command polls the cluster while it waits on something it started. */
  pollIntervalMs: number;
}

export function defaultDeps(): Deps {
  return {
    runner: runProcess,
    newRunId: () => `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`,
    pollIntervalMs: 2000,
  };
}
