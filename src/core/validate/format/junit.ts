// `--junit <file>`: the report as JUnit XML for CI test views. One suite per rendered
// Application (or per file with --files) with a test case per object checked, plus a
// suite per repository-wide stage (inputs, freshness, render, budget). Failing findings
// become <failure>; warnings that do not fail go to <system-out>.
import { type Finding, type Report, type Stage, formatRef } from '../report.ts';

export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters: they are exactly what is removed
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&apos;')
  );
}

interface Case {
  name: string;
  classname: string;
  failures: Finding[];
  notes: Finding[];
  /** Not checked, and why (a remote source). */
  skipped?: string;
}

function describe(f: Finding): string {
  return [
    `${f.rule}: ${f.message}`,
    f.pointer ? `field: ${f.pointer}` : '',
    `file: ${f.file}${f.line ? `:${f.line}` : ''}`,
    f.fix ? `fix: ${f.fix}` : '',
    f.origins?.length ? `rendered in: ${f.origins.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function suiteName(origin: string | undefined, file: string): string {
  return origin ?? file;
}

function objectCases(r: Report): Map<string, Map<string, Case>> {
  const suites = new Map<string, Map<string, Case>>();
  const caseFor = (suite: string, name: string) => {
    const cases = suites.get(suite) ?? new Map<string, Case>();
    suites.set(suite, cases);
    let c = cases.get(name);
    if (!c) cases.set(name, (c = { name, classname: suite, failures: [], notes: [] }));
    return c;
  };
  for (const item of r.checked) caseFor(suiteName(item.origin, item.file), formatRef(item.object));
  const isObjectStage = (s: Stage) => s === 'schema' || s === 'policy';
  for (const f of r.findings.filter((x) => isObjectStage(x.stage))) {
    const name = f.object ? formatRef(f.object) : `${f.file}${f.line ? `:${f.line}` : ''}`;
    const origins = f.origins?.length ? f.origins : [undefined];
    for (const o of origins) {
      // Cluster-wide policy findings name a cluster, not an application: they get their own suite.
      const c = caseFor(suiteName(o && o.includes('/') ? o : o ? `${o} (cluster)` : undefined, f.file), name);
      (f.severity === 'error' || r.strict ? c.failures : c.notes).push(f);
    }
  }
  return suites;
}

function stageCases(r: Report): Map<string, Map<string, Case>> {
  const suites = new Map<string, Map<string, Case>>();
  for (const stage of ['inputs', 'freshness', 'render', 'budget'] as const) {
    if (stage === 'budget' && r.mode !== 'repository') continue;
    if (r.mode !== 'repository' && stage !== 'render') continue;
    const cases = new Map<string, Case>();
    for (const f of r.findings.filter((x) => x.stage === stage)) {
      const name = f.file || stage;
      const c = cases.get(name) ?? { name, classname: stage, failures: [], notes: [] };
      (f.severity === 'error' || r.strict ? c.failures : c.notes).push(f);
      cases.set(name, c);
    }
    if (stage === 'render')
      for (const s of r.skipped)
        cases.set(s.what, { name: s.what, classname: stage, failures: [], notes: [], skipped: s.reason });
    if (!cases.size) cases.set(stage, { name: `${stage} checks`, classname: stage, failures: [], notes: [] });
    suites.set(stage, cases);
  }
  return suites;
}

function renderCase(c: Case): string {
  const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}"`;
  if (!c.failures.length && !c.notes.length && !c.skipped) return `${open}/>`;
  const body: string[] = [];
  if (c.skipped) body.push(`      <skipped message="${escapeXml(c.skipped)}"/>`);
  for (const f of c.failures)
    body.push(
      `      <failure type="${escapeXml(f.rule)}" message="${escapeXml(`${f.rule}: ${f.message}`)}">${escapeXml(describe(f))}</failure>`,
    );
  if (c.notes.length)
    body.push(`      <system-out>${escapeXml(c.notes.map((f) => `warning ${describe(f)}`).join('\n\n'))}</system-out>`);
  return [`${open}>`, ...body, '    </testcase>'].join('\n');
}

export function renderJunit(r: Report): string {
  const all = [...stageCases(r), ...objectCases(r)].sort(([a], [b]) => a.localeCompare(b));
  let tests = 0;
  let failures = 0;
  const suites = all.map(([name, cases]) => {
    const list = [...cases.values()].sort((a, b) => a.name.localeCompare(b.name));
    const fails = list.filter((c) => c.failures.length).length;
    const skipped = list.filter((c) => c.skipped).length;
    tests += list.length;
    failures += fails;
    return [
      `  <testsuite name="${escapeXml(name)}" tests="${list.length}" failures="${fails}" errors="0" skipped="${skipped}">`,
      ...list.map(renderCase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="somastack validate" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
