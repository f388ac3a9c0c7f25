// Runs the Lua health scripts bootstrap/argocd configures in a real Lua VM, the way
// Argo CD does: the object is the global `obj`, the script returns {status, message}.
import { LuaFactory } from 'wasmoon';
import { describe, expect, it } from 'vitest';
import { HEALTH_SCRIPTS } from '../../src/core/argocd-install.ts';
import { ANNOTATIONS } from '../../src/core/names.ts';

async function assess(script: string, obj: unknown): Promise<{ status: string; message: string }> {
  const lua = await new LuaFactory().createEngine();
  try {
    lua.global.set('obj', obj);
    const hs = (await lua.doString(script)) as { status: string; message: string };
    return { status: hs.status, message: hs.message };
  } finally {
    lua.global.close();
  }
}

const pvc = (phase: string | undefined, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'postgres-backup', namespace: 'soma-infra', ...(annotations ? { annotations } : {}) },
  spec: {},
  ...(phase ? { status: { phase } } : {}),
});

describe('PersistentVolumeClaim health', () => {
  const script = HEALTH_SCRIPTS['resource.customizations.health.PersistentVolumeClaim'];
  const cases: [string, unknown, string][] = [
    ['Bound', pvc('Bound'), 'Healthy'],
    ['Pending without the annotation (built-in behaviour)', pvc('Pending'), 'Progressing'],
    [
      'Pending, annotated as binding on first use',
      pvc('Pending', { [ANNOTATIONS.bindsOnFirstUse]: 'true' }),
      'Healthy',
    ],
    ['Pending, annotation not "true"', pvc('Pending', { [ANNOTATIONS.bindsOnFirstUse]: 'false' }), 'Progressing'],
    ['Lost', pvc('Lost', { [ANNOTATIONS.bindsOnFirstUse]: 'true' }), 'Degraded'],
    ['no status yet', pvc(undefined), 'Progressing'],
  ];
  for (const [name, obj, status] of cases) {
    it(name, async () => {
      expect((await assess(script, obj)).status).toBe(status);
    });
  }
});

describe('Application health (app-of-apps waves)', () => {
  const script = HEALTH_SCRIPTS['resource.customizations.health.argoproj.io_Application'];
  it("takes the child Application's own health and message", async () => {
    const app = { status: { health: { status: 'Degraded', message: 'StatefulSet kafka: 0/1 ready' } } };
    expect(await assess(script, app)).toEqual({ status: 'Degraded', message: 'StatefulSet kafka: 0/1 ready' });
  });
  it('is Progressing until the child has been assessed', async () => {
    expect((await assess(script, { metadata: { name: 'x' } })).status).toBe('Progressing');
    expect((await assess(script, { status: { sync: { status: 'Synced' } } })).status).toBe('Progressing');
  });
});
