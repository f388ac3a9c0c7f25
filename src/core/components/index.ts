// The registry of component modules: one per name in COMPONENT_NAMES, checked by the
// compiler — a name without a module does not compile (docs/adding-a-component.md).
import { COMPONENT_NAMES, type ComponentName } from '../contracts.ts';
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

const MODULES = {
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
} satisfies Record<ComponentName, Component>;

/** Every component, in COMPONENT_NAMES order. */
export const COMPONENTS: readonly Component[] = COMPONENT_NAMES.map((name) => MODULES[name]);

export function getComponent(name: ComponentName | string): Component {
  const c = COMPONENTS.find((x) => x.name === name);
  if (!c) throw new UserError(`unknown component '${name}'`, `one of: ${COMPONENTS.map((x) => x.name).join(', ')}`);
  return c;
}
