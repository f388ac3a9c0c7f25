// What Prometheus needs beyond the plain scrape jobs of the shared components: the CA
// certificates of the components it scrapes over TLS (one key of each Secret, mounted
// read-only), and the jobs of operators whose controllers export metrics in their own
// namespace (cert-manager's certificate gauges).
import type { ComponentName } from '../contracts.ts';
import type { V1Volume, V1VolumeMount } from '../kube.ts';
import { isServing, type ComponentSpec } from './spec.ts';

/** Where the CA of a component scraped over TLS is mounted (one directory per component). */
export const caDir = (component: ComponentName) => `/etc/prometheus/ca/${component}`;
export const caFile = (component: ComponentName, key: string) => `${caDir(component)}/${key}`;

/**
 * The CA certificates of the components scraped over TLS: only the CA's key of each Secret.
 * Optional: the Secret appears when the component's wave has run (after Prometheus's), and
 * the kubelet fills the volume then. Until the file exists Prometheus cannot create the
 * job's scrape pool (it logs the missing CA) and tries again whenever discovery refreshes
 * the job's targets (every DNS refresh): the job has no target for a minute or two after
 * a first sync, which smoke waits out.
 */
export function caVolumes(components: readonly ComponentSpec[]): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const withTls = components.filter(isServing).filter((c) => c.service.metrics.scheme === 'https' && c.service.tls);
  return {
    volumes: withTls.map((c) => {
      const t = c.service.tls!;
      return {
        name: `ca-${c.name}`,
        secret: { secretName: t.caSecret, items: [{ key: t.caKey, path: t.caKey }], optional: true },
      };
    }),
    mounts: withTls.map((c) => ({ name: `ca-${c.name}`, mountPath: caDir(c.name), readOnly: true })),
  };
}

/**
 * An operator's controller, through its release's Service in the operator's namespace (one
 * replica: one target). The job is named after the component, like every other job.
 */
export function operatorScrapeConfigs(c: ComponentSpec, refresh: string): Record<string, unknown>[] {
  const u = c.upstream;
  if (!u?.metrics) return [];
  const name = `${u.metrics.service}.${u.namespace}.svc.cluster.local`;
  return [
    {
      job_name: c.name,
      metrics_path: u.metrics.path,
      scheme: 'http',
      dns_sd_configs: [{ names: [name], type: 'A', port: u.metrics.port, refresh_interval: refresh }],
    },
  ];
}
