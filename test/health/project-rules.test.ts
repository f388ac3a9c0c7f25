// One rule set: for the kinds whose health script this project installs into argocd-cm,
// the installed Lua (run in a Lua VM, as Argo CD runs it: the object is the global `obj`,
// the script returns {status, message}) and the offline rule must give the same status
// and message on every case. An invalid status from a script is Unknown in Argo CD.
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_SCRIPTS } from '../../src/core/argocd-install.ts';
import { assessHealth, HEALTH_STATUSES, type HealthAssessment } from '../../src/core/health.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { INVALID_LUA_STATUS } from '../../src/core/health/project.ts';
import { ANNOTATIONS } from '../../src/core/names.ts';

let lua: LuaEngine;
beforeAll(async () => {
  lua = await new LuaFactory().createEngine();
});
afterAll(() => lua.global.close());

async function runLua(script: string, obj: KubeObject): Promise<HealthAssessment> {
  // JSON round trip: the object Argo CD hands the script is plain data, never undefined fields.
  lua.global.set('obj', JSON.parse(JSON.stringify(obj)));
  const hs = (await lua.doString(script)) as { status?: string; message?: string };
  const status = hs.status ?? '';
  if (!(HEALTH_STATUSES as readonly string[]).includes(status))
    return { status: 'Unknown', message: INVALID_LUA_STATUS };
  return { status: status as HealthAssessment['status'], message: hs.message ?? '' };
}

const pvc = (status?: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'postgres-backup', namespace: 'soma-infra', ...(annotations ? { annotations } : {}) },
  spec: { storageClassName: 'standard' },
  ...(status ? { status } : {}),
});
const firstUse = { [ANNOTATIONS.bindsOnFirstUse]: 'true' };

const PVC_CASES: [string, KubeObject, HealthAssessment['status']][] = [
  ['Bound', pvc({ phase: 'Bound' }), 'Healthy'],
  ['Bound and annotated', pvc({ phase: 'Bound' }, firstUse), 'Healthy'],
  ['Pending', pvc({ phase: 'Pending' }), 'Progressing'],
  ['Pending, annotated as binding on first use (prod backup claim)', pvc({ phase: 'Pending' }, firstUse), 'Healthy'],
  ['Pending, annotation "false"', pvc({ phase: 'Pending' }, { [ANNOTATIONS.bindsOnFirstUse]: 'false' }), 'Progressing'],
  [
    'Pending, annotation "True" (only "true" counts)',
    pvc({ phase: 'Pending' }, { [ANNOTATIONS.bindsOnFirstUse]: 'True' }),
    'Progressing',
  ],
  ['Pending, other annotations only', pvc({ phase: 'Pending' }, { 'example.com/x': 'true' }), 'Progressing'],
  ['Lost', pvc({ phase: 'Lost' }), 'Degraded'],
  ['Lost even when annotated', pvc({ phase: 'Lost' }, firstUse), 'Degraded'],
  ['status without phase', pvc({}), 'Progressing'],
  ['no status yet', pvc(), 'Progressing'],
  ['unknown phase', pvc({ phase: 'Resizing' }), 'Progressing'],
];

const app = (status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'kind-soma-kafka', namespace: 'argocd' },
  spec: {},
  ...(status ? { status } : {}),
});

const APP_CASES: [string, KubeObject, HealthAssessment['status']][] = [
  ['Healthy', app({ health: { status: 'Healthy' } }), 'Healthy'],
  [
    'Degraded with message',
    app({ health: { status: 'Degraded', message: 'StatefulSet kafka: 0/1 ready' } }),
    'Degraded',
  ],
  ['Suspended', app({ health: { status: 'Suspended' } }), 'Suspended'],
  ['Missing', app({ health: { status: 'Missing' } }), 'Missing'],
  ['not assessed yet', app(), 'Progressing'],
  ['sync status only', app({ sync: { status: 'Synced' } }), 'Progressing'],
  ['health without status', app({ health: { message: 'x' } }), 'Progressing'],
  ['a status Argo CD does not know', app({ health: { status: 'Sleeping' } }), 'Unknown'],
];

describe.each([
  ['PersistentVolumeClaim', HEALTH_SCRIPTS['resource.customizations.health.PersistentVolumeClaim'], PVC_CASES],
  ['Application', HEALTH_SCRIPTS['resource.customizations.health.argoproj.io_Application'], APP_CASES],
] as const)('%s: the installed Lua and the offline rule agree', (_kind, script, cases) => {
  it.each(cases)('%s', async (_name, o, status) => {
    const offline = assessHealth(o);
    expect(offline.status).toBe(status);
    expect(await runLua(script, o)).toEqual(offline);
  });
});

describe('every script bootstrap installs has a case table here', () => {
  it('covers PersistentVolumeClaim and Application, and nothing else is installed', () => {
    expect(Object.keys(HEALTH_SCRIPTS).sort()).toEqual([
      'resource.customizations.health.PersistentVolumeClaim',
      'resource.customizations.health.argoproj.io_Application',
    ]);
  });
});
