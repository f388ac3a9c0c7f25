// Grafana is healthy (its database answers) and every datasource passes Grafana's own
// datasource health check (for Prometheus: a real query against it).
import { clientFacts, jobTrouble, marked, type SmokeCheck, type SmokeFactory } from '../types.ts';
import { CURL_UID, getLine, json, parseGet } from './http.ts';

export const grafanaSmoke: SmokeFactory = (self) => {
  const { host, port, secrets } = clientFacts(self);
  return check(`http://${host}:${port}`, secrets[0]!.name);
};

// For each datasource uid in the list, ask its health (grep, not jq: the curl image has no jq).
const script = (base: string) =>
  [
    getLine('health', `${base}/api/health`),
    getLine('datasources', `${base}/api/datasources`, true),
    `for uid in $(grep -o '"uid":"[^"]*"' /tmp/datasources | cut -d'"' -f4); do`,
    `  echo "ds $uid $(curl -sS -m 30 -u "$HTTP_USER:$HTTP_PASSWORD" -o /tmp/ds -w '%{http_code}' "${base}/api/datasources/uid/$uid/health") $(tr -d '\\n' < /tmp/ds)"`,
    'done',
  ].join('\n');

const check = (base: string, secret: string): SmokeCheck => ({
  name: 'grafana',
  component: 'grafana',
  title: 'Grafana health and its datasources working',
  secrets: [secret],
  jobs: (ctx) => [
    {
      namespace: ctx.namespace,
      image: ctx.images.curl,
      uid: CURL_UID,
      command: ['sh', '-c', script(base)],
      env: [
        { name: 'HTTP_USER', secret: { name: secret, key: 'admin-user' } },
        { name: 'HTTP_PASSWORD', secret: { name: secret, key: 'admin-password' } },
      ],
    },
  ],
  judge: ([r]) => {
    if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
    const health = parseGet(marked(r.log, 'health')[0]);
    const db = (health && (json(health.body) as { database?: string; version?: string })) || undefined;
    if (!health || health.status !== 200 || db?.database !== 'ok')
      return {
        pass: false,
        evidence: `Grafana /api/health: HTTP ${health?.status ?? '-'} ${health?.body.slice(0, 120) ?? ''}`.trim(),
      };
    const list = parseGet(marked(r.log, 'datasources')[0]);
    if (!list || list.status !== 200)
      return { pass: false, evidence: `cannot list datasources as the admin user (HTTP ${list?.status ?? '-'})` };
    const results = marked(r.log, 'ds').map((line) => {
      const [uid = '', ...rest] = line.split(' ');
      const got = parseGet(rest.join(' '));
      const answer = (got && (json(got.body) as { status?: string; message?: string })) || undefined;
      return {
        uid,
        ok: got?.status === 200 && answer?.status === 'OK',
        message: answer?.message ?? got?.body.slice(0, 120) ?? '',
      };
    });
    if (!results.length) return { pass: false, evidence: 'Grafana has no datasources' };
    const bad = results.filter((x) => !x.ok);
    const version = db.version ? ` (Grafana ${db.version})` : '';
    if (!bad.length)
      return {
        pass: true,
        evidence: `database ok${version}; ${results.length} datasource(s) healthy: ${results.map((x) => x.uid).join(', ')}`,
      };
    return {
      pass: false,
      evidence: `database ok${version}; datasource(s) failing: ${bad.map((x) => `${x.uid}: ${x.message}`).join('; ')}`,
    };
  },
});
