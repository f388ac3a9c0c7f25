// The generated etcd member flags under Debian's etcd (3.4; the image runs 3.6, whose
// flags these are a subset of): a one-member dev cluster on loopback, with the pod's DNS
// names, ports and data folder moved to local ones. It must start, elect itself and expose
// the series the etcd alerts read.
import { afterEach, describe, expect, it } from 'vitest';
import { etcd } from '../../src/core/components/etcd.ts';
import { podSpecOf, type V1PodSpec } from '../../src/core/kube.ts';
import { CTX } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';
import { freePort, installed, startServer, stopAll, waitFor } from './processes.ts';

const HAVE_ETCD = installed('etcd');
afterEach(stopAll);

function generatedArgs(): string[] {
  const sts = etcd.build('dev', CTX).find((o) => o.kind === 'StatefulSet')!;
  return (podSpecOf(sts)!.spec as unknown as V1PodSpec).containers.find((c) => c.name === 'etcd')!.args!;
}

/** The pod's flags with loopback addresses, free ports and a temp data folder. */
function localised(args: string[], ports: Record<string, number>, dir: string): string[] {
  return args.map((a) => {
    let s = a
      .replace(/--data-dir=.*/, `--data-dir=${dir}/data`)
      .replace(/[\w$().-]+\.svc\.cluster\.local/g, '127.0.0.1')
      .replaceAll('0.0.0.0', '127.0.0.1')
      .replaceAll('$(POD_NAME)', 'etcd-0');
    for (const [from, to] of Object.entries(ports)) s = s.replaceAll(`:${from}`, `:${to}`);
    return s;
  });
}

describe.skipIf(!HAVE_ETCD)('etcd with the generated flags (needs Debian etcd-server)', () => {
  it('dev: the single member starts, leads, and exposes has_leader and its backend quota', async () => {
    const args = generatedArgs();
    const quota = /--quota-backend-bytes=(\d+)/.exec(args.join(' '))![1]!;
    const ports = { 2379: await freePort(), 2380: await freePort(), 2381: await freePort() };
    const { log } = startServer('etcd', localised(args, ports, tempDir('etcd-real-')));
    const metrics = `http://127.0.0.1:${ports[2381]}/metrics`;
    await waitFor('etcd', async () => /etcd_server_has_leader 1/.test(await (await fetch(metrics)).text()), log);
    const text = await (await fetch(metrics)).text();
    expect(text).toMatch(/^etcd_server_leader_changes_seen_total \d/m);
    expect(Number(/^etcd_server_quota_backend_bytes (\S+)/m.exec(text)![1])).toBe(Number(quota));
    const health = await (await fetch(`http://127.0.0.1:${ports[2379]}/health`)).json();
    expect(health).toMatchObject({ health: 'true' });
  });
});

if (!HAVE_ETCD)
  describe('etcd with the generated flags', () => {
    it.skip('skipped: etcd is not installed (apt-get install etcd-server; .ci/run installs it)', () => {});
  });
