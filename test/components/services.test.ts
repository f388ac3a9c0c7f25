import { describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName, type ServiceComponent } from '../../src/core/contracts.ts';
import { COMPONENT_SPECS } from '../../src/core/components/registry.ts';
import { selectorLabels } from '../../src/core/components/workload.ts';
import { contractService, headlessService } from '../../src/core/components/services.ts';

type Any = Record<string, any>;
const spec = (c: ServiceComponent) => COMPONENT_SPECS[c].service!;
const COMPONENTS = Object.keys(CONTRACTS) as ServiceComponent[];
const portsOf = (svc: Any) => (svc.spec.ports as Any[]).map((p) => [p.name, p.port]);

describe('contractService', () => {
  it.each(COMPONENTS.map((c) => [c]))(
    '%s: the contract name and port, then the extra client ports, nothing internal',
    (c) => {
      const svc = contractService(c, spec(c), 'api') as Any;
      expect(svc.metadata.name).toBe(CONTRACTS[c].service);
      expect(svc.spec.clusterIP).toBeUndefined();
      expect(portsOf(svc)).toEqual([
        ['api', CONTRACTS[c].port],
        ...(INTERNAL_PORTS[c].extraClient ?? []).map((p) => [p.name, p.port]),
      ]);
      for (const p of svc.spec.ports) expect(p.targetPort).toBe(p.name);
      expect(svc.spec.selector).toEqual(selectorLabels(c));
    },
  );

  it('names the contract port http unless told otherwise', () => {
    expect(portsOf(contractService('opa', spec('opa')))).toEqual([['http', CONTRACTS.opa.port]]);
  });
});

describe('headlessService', () => {
  it.each(COMPONENTS.map((c) => [c]))('%s: headless, selecting the pods, every table port exactly once', (c) => {
    const svc = headlessService(c, spec(c)) as Any;
    expect(svc.metadata.name).toBe(headlessServiceName(c));
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.selector).toEqual(selectorLabels(c));
    expect(svc.spec.publishNotReadyAddresses).toBeUndefined();
    const internal = INTERNAL_PORTS[c];
    const expected = new Set([
      CONTRACTS[c].port,
      ...(internal.extraClient ?? []).map((p) => p.port),
      ...(internal.peer ?? []).map((p) => p.port),
      internal.metrics.port,
    ]);
    const numbers = (svc.spec.ports as Any[]).map((p) => p.port);
    expect(numbers).toHaveLength(expected.size);
    expect(new Set(numbers)).toEqual(expected);
  });

  it('lists the client ports, then the peers, then metrics under the names the containers use', () => {
    expect(portsOf(headlessService('etcd', spec('etcd'), { portName: 'client' }))).toEqual([
      ['client', CONTRACTS.etcd.port],
      ['peer', INTERNAL_PORTS.etcd.peer![0]!.port],
      ['metrics', INTERNAL_PORTS.etcd.metrics.port],
    ]);
  });

  it('lists a port serving two roles once, under its client name (vault metrics on the API port)', () => {
    expect(INTERNAL_PORTS.vault.metrics.port).toBe(CONTRACTS.vault.port);
    expect(portsOf(headlessService('vault', spec('vault')))).toEqual([
      ['http', CONTRACTS.vault.port],
      ['cluster', INTERNAL_PORTS.vault.peer![0]!.port],
    ]);
  });

  it('carries only the port groups asked for', () => {
    expect(portsOf(headlessService('openfga', spec('openfga'), { carries: ['metrics'] }))).toEqual([
      ['metrics', INTERNAL_PORTS.openfga.metrics.port],
    ]);
    const qdrant = portsOf(headlessService('qdrant', spec('qdrant'), { carries: ['client', 'metrics'] }));
    expect(qdrant.map(([name]) => name)).toEqual(['http', 'grpc']);
    expect(qdrant.map(([, port]) => port)).not.toContain(INTERNAL_PORTS.qdrant.peer![0]!.port);
  });

  it('publishes not-ready addresses only when asked (peers that must find each other to become ready)', () => {
    expect(
      (headlessService('kafka', spec('kafka'), { publishNotReadyAddresses: true }) as Any).spec
        .publishNotReadyAddresses,
    ).toBe(true);
  });
});
