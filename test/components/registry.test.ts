// The registry is the one declaration of every component: its keys are the names, and
// the tables the rest of the program reads are derived from its specs.
import { describe, expect, it } from 'vitest';
import { COMPONENT_SPECS } from '../../src/core/components/registry.ts';
import type { ComponentSpec } from '../../src/core/components/spec.ts';
import {
  deriveContracts,
  deriveDashboards,
  deriveInternalFlows,
  deriveInternalPorts,
} from '../../src/core/components/tables.ts';
import {
  COMPONENT_LIST,
  COMPONENT_NAMES,
  CONTRACTS,
  DASHBOARD_UIDS,
  INTERNAL_FLOWS,
  INTERNAL_PORTS,
  SMOKE_CHECKS,
} from '../../src/core/contracts.ts';
import type { SmokeContext } from '../../src/core/smoke/types.ts';

const specs = Object.entries(COMPONENT_SPECS) as [string, ComponentSpec][];

describe('component registry', () => {
  it.each(specs)('%s: registered under its own name', (key, spec) => {
    expect(spec.name).toBe(key);
  });

  it('names the components in registration order, platform first', () => {
    expect(COMPONENT_NAMES).toEqual(specs.map(([k]) => k));
    expect(COMPONENT_NAMES[0]).toBe('platform');
  });

  it.each(specs)(
    '%s: serves a contract and runs as a stated user unless it is the platform or an upstream operator',
    (name, spec) => {
      const noPodsOfItsOwn = name === 'platform' || spec.upstream !== undefined;
      expect(spec.service === null).toBe(noPodsOfItsOwn);
      expect(spec.uid === null).toBe(noPodsOfItsOwn);
    },
  );

  it('an operator is its pinned release by URL plus sizing patches, and builds no objects of its own', () => {
    for (const [, spec] of specs.filter(([, s]) => s.upstream)) {
      expect(spec.upstream!.url).toContain(spec.upstream!.version);
      expect(spec.upstream!.workloads.length).toBeGreaterThan(0);
      expect(spec.build('dev', { components: [], files: {} })).toEqual([]);
      expect(spec.tier).toBe('operator');
    }
  });

  it.each(specs.filter(([, s]) => s.dashboard))('%s: its dashboard is its own', (name, spec) => {
    expect(spec.dashboard!.component).toBe(name);
    expect(DASHBOARD_UIDS[name as keyof typeof DASHBOARD_UIDS]).toBe(spec.dashboard!.uid);
  });

  it("derives the smoke checklist from the specs: components in registration order, then the platform's", () => {
    expect(SMOKE_CHECKS.map((c) => c.name)).toEqual([
      'postgres',
      'redis',
      'kafka',
      'etcd',
      'vault',
      'opa',
      'prometheus',
      'grafana',
      'networkpolicy',
    ]);
  });

  it("runs the clients that borrow a component image as that image's user, stated once in the spec", () => {
    const ctx: SmokeContext = {
      runId: 'r',
      environment: 'dev',
      namespace: 'n',
      deniedNamespace: 'd',
      images: { postgres: 'pg', redis: 'rd', kafka: 'kf', curl: 'curl' },
    };
    const uidOf = (check: string) => {
      const jobs = SMOKE_CHECKS.find((c) => c.name === check)!.jobs(ctx);
      return Array.isArray(jobs) ? jobs.map((j) => j.uid) : [];
    };
    expect(uidOf('postgres')).toEqual([COMPONENT_SPECS.postgres.uid]);
    expect(uidOf('networkpolicy')).toEqual([COMPONENT_SPECS.postgres.uid, COMPONENT_SPECS.postgres.uid]);
    expect(uidOf('redis')).toEqual([COMPONENT_SPECS.redis.uid]);
    expect(uidOf('kafka')).toEqual([COMPONENT_SPECS.kafka.uid]);
  });

  it('states each dependency once: the flows are the dependsOn entries', () => {
    // postgres's dependency on the cnpg operator orders deployment; it opens no connection.
    expect(INTERNAL_FLOWS.map((f) => `${f.from}->${f.to}:${f.port}`)).toEqual([
      'opa->vault:8200',
      'grafana->prometheus:9090',
      'openfga->postgres:5432',
    ]);
  });
});

describe('derived tables', () => {
  const throwaway: ComponentSpec = {
    ...COMPONENT_SPECS.redis,
    name: 'nats' as ComponentSpec['name'],
    service: {
      port: 4222,
      secrets: [{ name: 'soma-infra-nats-auth', keys: ['token'] }],
      metrics: { port: 8222, path: '/varz' },
    },
    dependsOn: [{ component: 'postgres', why: 'stores streams' }],
    dashboard: null,
  };
  const withNats = [...COMPONENT_LIST, throwaway];

  it('are the registry tables for the registry', () => {
    expect(deriveContracts(COMPONENT_LIST)).toEqual(CONTRACTS);
    expect(deriveInternalPorts(COMPONENT_LIST)).toEqual(INTERNAL_PORTS);
  });

  it('take a component added to the list into every table', () => {
    expect(deriveContracts(withNats).nats).toEqual({
      service: 'nats',
      namespace: 'soma-infra',
      port: 4222,
      secrets: throwaway.service!.secrets,
    });
    expect(deriveInternalPorts(withNats).nats).toEqual({ metrics: { port: 8222, path: '/varz' } });
    expect(deriveInternalFlows(withNats)).toContainEqual({
      from: 'nats',
      to: 'postgres',
      port: 5432,
      why: 'stores streams',
    });
    expect(deriveDashboards(withNats)).toEqual(deriveDashboards(COMPONENT_LIST));
  });

  it('refuse a dependency on a component that serves no contract', () => {
    const broken = { ...throwaway, dependsOn: [{ component: 'platform' as const, why: 'x' }] };
    expect(() => deriveInternalFlows([...COMPONENT_LIST, broken])).toThrow(
      /nats depends on 'platform', which serves no contract/,
    );
  });
});
