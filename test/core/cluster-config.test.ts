import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../src/core/cluster-config.ts';
import { DEMO_FILE, demoClusterYaml } from '../support/cluster-yaml.ts';

const FILE = DEMO_FILE;
const VALID = demoClusterYaml();

function problems(text: string, dir = 'demo') {
  const r = parseClusterConfig(FILE, dir, text);
  if (r.ok) throw new Error('expected problems, got a valid config');
  return r.problems.map((p) => ({ path: p.path, message: p.message }));
}

describe('parseClusterConfig', () => {
  it('accepts a valid file and fills defaults', () => {
    const r = parseClusterConfig(FILE, 'demo', VALID);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      name: 'demo',
      environment: 'dev',
      components: ['platform', 'cnpg', 'postgres'],
      argocd: {},
      secrets: { provider: 'bootstrap' },
      source: FILE,
    });
    expect(r.config.kind).toBeUndefined();
  });

  it('fills Kind host port defaults', () => {
    const r = parseClusterConfig(FILE, 'demo', `${VALID}kind:\n  name: soma\n`);
    expect(r.ok && r.config.kind).toEqual({ name: 'soma', hostPorts: { argocd: 8080, grafana: 3000 } });
  });

  it('reads the managers drift trusts', () => {
    const r = parseClusterConfig(FILE, 'demo', `${VALID}drift:\n  trustedManagers: [vpa-*, my-operator]\n`);
    expect(r.ok && r.config.drift).toEqual({ trustedManagers: ['vpa-*', 'my-operator'] });
  });

  const cases: { name: string; text: string; expected: { path: string; message: string }[] }[] = [
    {
      name: 'malformed YAML',
      text: 'name: demo\n  environment: [dev\n',
      expected: [{ path: '', message: expect.stringContaining('is not valid YAML') as unknown as string }],
    },
    { name: 'empty file', text: '# nothing here\n', expected: [{ path: '', message: 'is empty' }] },
    {
      name: 'a list instead of a mapping',
      text: '- name: demo\n',
      expected: [{ path: '', message: expect.stringContaining('must be a mapping') as unknown as string }],
    },
    {
      name: 'unknown top-level key',
      text: `${VALID}replicas: 3\n`,
      expected: [{ path: '/replicas', message: "unknown key 'replicas'" }],
    },
    {
      name: 'unknown nested key',
      text: VALID.replace('revision: main', 'revision: main\n  branch: main'),
      expected: [{ path: '/repository/branch', message: "unknown key 'branch'" }],
    },
    {
      name: 'unknown environment',
      text: VALID.replace('environment: dev', 'environment: qa'),
      expected: [{ path: '/environment', message: 'must be one of: dev, staging, prod' }],
    },
    {
      name: 'unknown component',
      text: VALID.replace('postgres]', 'postgress]'),
      expected: [
        {
          path: '/components/2',
          message: expect.stringContaining(
            'must be one of: platform, cnpg, cert-manager, postgres',
          ) as unknown as string,
        },
      ],
    },
    {
      name: 'missing repository',
      text: VALID.replace(/repository:\n.*\n.*\n/, ''),
      expected: [{ path: '/repository', message: "'repository' is required" }],
    },
    {
      name: 'http destination',
      text: VALID.replace('https://kubernetes.default.svc', 'http://10.0.0.1'),
      expected: [
        {
          path: '/destination/server',
          message: expect.stringContaining('is not an https:// API server URL') as unknown as string,
        },
      ],
    },
    {
      name: 'bad git URL',
      text: VALID.replace('https://github.com/somatechlat/somastack.git', 'github.com/x'),
      expected: [
        {
          path: '/repository/url',
          message: expect.stringContaining("'github.com/x' is not a git URL") as unknown as string,
        },
      ],
    },
    {
      name: 'duplicate component',
      text: VALID.replace('[platform, cnpg, postgres]', '[platform, cnpg, postgres, postgres]'),
      expected: [{ path: '/components', message: 'lists a component more than once' }],
    },
    {
      name: 'platform missing',
      text: VALID.replace('[platform, cnpg, postgres]', '[cnpg, postgres]'),
      expected: [{ path: '/components', message: "does not include 'platform'" }],
    },
    {
      name: 'name does not match folder',
      text: VALID,
      expected: [{ path: '/name', message: "is 'demo' but the file is in clusters/other/" }],
    },
    {
      name: 'invalid budget quantity',
      text: `${VALID}budget:\n  cpu: 3 cores\n  memory: 6Gi\n`,
      expected: [{ path: '/budget/cpu', message: "'3 cores' is not a valid quantity" }],
    },
    {
      name: 'Kind cluster not in dev',
      text: `${VALID.replace('environment: dev', 'environment: prod')}kind:\n  name: soma\n`,
      expected: [
        { path: '/kind', message: "a Kind cluster must be environment 'dev', not 'prod'" },
        {
          path: '/backup',
          message: expect.stringContaining(
            'a prod cluster running postgres needs a backup target',
          ) as unknown as string,
        },
      ],
    },
    {
      name: 'duplicate keys',
      text: `${VALID}name: again\n`,
      expected: [{ path: '', message: expect.stringContaining('is not valid YAML') as unknown as string }],
    },
    {
      name: 'a trusted drift manager with a space',
      text: `${VALID}drift:\n  trustedManagers: ['my tool']\n`,
      expected: [
        {
          path: '/drift/trustedManagers/0',
          message: expect.stringContaining("'my tool' is not a field manager name") as unknown as string,
        },
      ],
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with file and field path`, () => {
      const dir = c.name === 'name does not match folder' ? 'other' : 'demo';
      expect(problems(c.text, dir)).toEqual(c.expected);
    });
  }

  it('reports every problem at once', () => {
    const text =
      VALID.replace('environment: dev', 'environment: qa').replace('revision: main', 'revision: main\n  extra: 1') +
      'oops: true\n';
    const paths = problems(text)
      .map((p) => p.path)
      .sort();
    expect(paths).toEqual(['/environment', '/oops', '/repository/extra']);
  });

  it('names the allowed keys in the fix hint for an unknown key', () => {
    const r = parseClusterConfig(FILE, 'demo', `${VALID}replica: 1\n`);
    expect(!r.ok && r.problems[0]?.hint).toContain(
      'allowed keys here: name, environment, destination, repository, components',
    );
  });
});

describe('budget', () => {
  it('refuses a budget of zero or less', () => {
    const r = parseClusterConfig(FILE, 'demo', `${VALID}budget:\n  cpu: '0'\n  memory: -1Gi\n`);
    expect(!r.ok && r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "/budget/cpu: '0' is not above zero",
      "/budget/memory: '-1Gi' is not above zero",
    ]);
  });
});

describe('destination.server', () => {
  it('is kept without a trailing slash, as Argo CD stores cluster URLs (Applications and the hub Secret must agree)', () => {
    const text = demoClusterYaml().replace(
      'server: https://kubernetes.default.svc',
      'server: https://staging.example.com:6443/',
    );
    const r = parseClusterConfig(DEMO_FILE, 'demo', `${text}argocd: { managedBy: hub }\ncontext: demo\n`);
    expect(r.ok && r.config.destination.server).toBe('https://staging.example.com:6443');
  });
});
