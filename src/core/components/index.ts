// The registry of component modules. Adding a component: write its module, add it
// here and to COMPONENT_NAMES/CONTRACTS in contracts.ts (docs/adding-a-component.md).
import { type ComponentName } from '../contracts.ts';
import { UserError } from '../errors.ts';
import type { Component } from './types.ts';
import { platform } from './platform.ts';
import { postgres } from './postgres.ts';
import { redis } from './redis.ts';
import { kafka } from './kafka.ts';
import { etcd } from './etcd.ts';
import { vault } from './vault.ts';
import { opa } from './opa.ts';
import { prometheus } from './prometheus.ts';
import { grafana } from './grafana.ts';
import { qdrant } from './qdrant.ts';
import { openfga } from './openfga.ts';

export const COMPONENTS: readonly Component[] = [
  platform,
  postgres,
  redis,
  kafka,
  etcd,
  vault,
  opa,
  prometheus,
  grafana,
  qdrant,
  openfga,
];

export function getComponent(name: ComponentName | string): Component {
  const c = COMPONENTS.find((x) => x.name === name);
  if (!c) throw new UserError(`unknown component '${name}'`, `one of: ${COMPONENTS.map((x) => x.name).join(', ')}`);
  return c;
}
