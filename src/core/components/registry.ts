// The registry: every component, by name. This object is the one place a component is
// added (docs/adding-a-component.md): its keys are the component names (COMPONENT_NAMES
// and the ComponentName type derive from them), and each value is a complete
// ComponentSpec, from which contracts.ts derives every table. A spec missing a field
// does not compile; so does a dependency on a name that is not registered here.
import type { ComponentSpec } from './spec.ts';
import { platform } from './platform.ts';
import { cnpg } from './cnpg.ts';
import { certManager } from './cert-manager.ts';
import { postgres } from './postgres.ts';
import { redis } from './redis.ts';
import { strimzi } from './strimzi.ts';
import { kafka } from './kafka.ts';
import { etcd } from './etcd.ts';
import { vault } from './vault.ts';
import { opa } from './opa.ts';
import { prometheus } from './prometheus.ts';
import { grafana } from './grafana.ts';
import { qdrant } from './qdrant.ts';
import { openfga } from './openfga.ts';

/** Registration order is the order of every derived table (docs, scrape jobs, flows). */
export const COMPONENT_SPECS = {
  platform,
  cnpg,
  'cert-manager': certManager,
  postgres,
  redis,
  strimzi,
  kafka,
  etcd,
  vault,
  opa,
  prometheus,
  grafana,
  qdrant,
  openfga,
} satisfies Record<string, ComponentSpec>;
