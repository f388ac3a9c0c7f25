// The generated Prometheus configuration and alert rules under Debian's promtool: the
// configuration and rule files as the pod mounts them, and every alert fired on synthetic
// series (and kept quiet on a near miss) with `promtool test rules`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_GROUPS, type AlertRule } from '../../src/core/components/alerts/rules.ts';
import { prometheus, RULES_FILE } from '../../src/core/components/prometheus.ts';
import { parse as parseYaml } from 'yaml';
import { toYaml } from '../../src/core/yaml.ts';
import { CTX, REPO_ROOT } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';
import { ALERT_CASES, type AlertCase } from './alert-cases.ts';

const HAVE_PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
const RULES = new Map<string, AlertRule>(ALERT_GROUPS.flatMap((g) => g.rules.map((r) => [r.alert, r] as const)));

/** The prometheus-config ConfigMap's files, written to a folder as the pod mounts them. */
function mountedConfig(): string {
  const dir = tempDir('promtool-');
  for (const cm of prometheus.configFiles!(CTX))
    for (const [name, text] of Object.entries(cm.files)) writeFileSync(join(dir, name), text);
  return dir;
}

function promtool(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Fills an annotation template the way Prometheus does for the few forms the rules use. */
function expand(template: string, labels: Record<string, string>, value: string): string {
  return template
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => labels[l] ?? '')
    .replaceAll('{{ $value }}', value);
}

function unitTest(c: AlertCase): string {
  const rule = RULES.get(c.alert)!;
  const labels = { ...c.fires.labels, severity: rule.severity };
  const annotations = {
    summary: expand(rule.summary, labels, c.fires.value ?? ''),
    action: expand(rule.action, labels, c.fires.value ?? ''),
  };
  const test = (series: AlertCase['quiet'], expAlerts: unknown[]) => ({
    interval: '1m',
    input_series: series,
    alert_rule_test: [{ eval_time: c.evalTime, alertname: c.alert, exp_alerts: expAlerts }],
  });
  return toYaml({
    rule_files: [RULES_FILE],
    evaluation_interval: '1m',
    tests: [test(c.fires.series, [{ exp_labels: labels, exp_annotations: annotations }]), test(c.quiet, [])],
  });
}

describe('alert rule cases', () => {
  it('every generated alert has a firing and a quiet case', () => {
    expect(ALERT_CASES.map((c) => c.alert).sort()).toEqual([...RULES.keys()].sort());
  });

  it('docs/operations.md lists every alert with its first step', () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    for (const name of RULES.keys()) expect(docs, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});

describe.skipIf(!HAVE_PROMTOOL)('promtool on the generated configuration (needs Debian prometheus)', () => {
  it('promtool check config accepts prometheus.yml and the rule file it lists', () => {
    const dir = mountedConfig();
    // Debian builds Prometheus without Kubernetes service discovery ("unknown field
    // kubernetes_sd_configs"), so its promtool checks everything but the kubelet job; the
    // prom/prometheus image the cluster runs has it (the job's shape is unit-tested).
    const config = parseYaml(readFileSync(join(dir, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    };
    config.scrape_configs = config.scrape_configs.filter((j) => j.job_name !== 'kubelet');
    writeFileSync(join(dir, 'prometheus.yml'), toYaml(config));
    const r = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(r.out).toContain(RULES_FILE);
    expect(r.status, r.out).toBe(0);
  });

  it('promtool check rules accepts the rule file', () => {
    const r = promtool(['check', 'rules', RULES_FILE], mountedConfig());
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`${RULES.size} rules found`);
  });

  it('promtool check rules rejects a broken expression (the check can fail)', () => {
    const dir = mountedConfig();
    writeFileSync(join(dir, 'bad.yml'), toYaml({ groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'up ==' }] }] }));
    expect(promtool(['check', 'rules', 'bad.yml'], dir).status).not.toBe(0);
  });

  it.each(ALERT_CASES.map((c) => [c.alert, c] as const))('%s fires on its series and not on the near miss', (_, c) => {
    const dir = mountedConfig();
    writeFileSync(join(dir, 'test.yml'), unitTest(c));
    const r = promtool(['test', 'rules', 'test.yml'], dir);
    expect(r.status, r.out).toBe(0);
  });
});

if (!HAVE_PROMTOOL)
  describe('promtool on the generated configuration', () => {
    it.skip('skipped: promtool is not installed (apt-get install prometheus; .ci/run installs it)', () => {});
  });
