// Every active Prometheus scrape target is up, and every job of the cluster's components has
// one: the shared components are all being scraped.
import { clientFacts, jobTrouble, marked, type SmokeCheck, type SmokeFactory } from '../types.ts';
import { CURL_UID, getLine, json, parseGet } from './http.ts';

interface Target {
  health?: string;
  lastError?: string;
  scrapeUrl?: string;
  labels?: Record<string, string>;
}

export const prometheusSmoke: SmokeFactory = (self) => {
  const { host, port } = clientFacts(self);
  return check(host, port);
};

const check = (host: string, port: number): SmokeCheck => ({
  name: 'prometheus',
  component: 'prometheus',
  title: 'every Prometheus target up',
  // Right after a sync, targets are new ('unknown') and a TLS job waits for its CA file: a
  // few minutes of settling, not a failure.
  settle: { withinMs: 180_000, everyMs: 15_000 },
  jobs: (ctx) => [
    {
      namespace: ctx.namespace,
      image: ctx.images.curl,
      uid: CURL_UID,
      command: ['sh', '-c', getLine('targets', `http://${host}:${port}/api/v1/targets?state=active`)],
    },
  ],
  judge: ([r], ctx) => {
    if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
    const got = parseGet(marked(r.log, 'targets')[0]);
    const answer = (got && json(got.body)) as { data?: { activeTargets?: Target[] } } | undefined;
    const targets = answer?.data?.activeTargets;
    if (!got || got.status !== 200 || !targets)
      return { pass: false, evidence: `no target list from ${host} (HTTP ${got?.status ?? '-'})` };
    if (!targets.length) return { pass: false, evidence: 'Prometheus has no active targets' };
    // A job whose discovery finds nothing has no target to be down: absent, not healthy.
    const empty = (ctx.scrapeJobs ?? []).filter((job) => !targets.some((t) => t.labels?.job === job));
    if (empty.length)
      return {
        pass: false,
        evidence: `no target for job${empty.length > 1 ? 's' : ''} ${empty.join(', ')}: Prometheus discovered no pod to scrape (its DNS name resolves to nothing, or the pods are gone)`,
      };
    const down = targets.filter((t) => t.health !== 'up');
    const name = (t: Target) => `${t.labels?.job ?? '?'} ${t.labels?.instance ?? t.scrapeUrl ?? ''}`.trim();
    if (!down.length) return { pass: true, evidence: `${targets.length}/${targets.length} targets up` };
    const detail = down.map((t) => `${name(t)} ${t.health}${t.lastError ? `: ${t.lastError}` : ''}`).join('; ');
    return { pass: false, evidence: `${down.length} of ${targets.length} targets not up: ${detail}` };
  },
});
