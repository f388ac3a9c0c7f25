// The Lua health checks our Argo CD install adds to argocd-cm (resource.customizations),
// kept apart from the install builder so tests can run them (test/core/argocd-health-lua).
import { ANNOTATIONS } from './names.ts';

// Argo CD does not assess an Application's health from its children since 1.8; this
// restores it so the root app's sync waves wait until each child is healthy.
const APPLICATION_HEALTH_LUA = [
  'local hs = { status = "Progressing", message = "" }',
  'if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then',
  '  hs.status = obj.status.health.status',
  '  if obj.status.health.message ~= nil then hs.message = obj.status.health.message end',
  'end',
  'return hs',
  '',
].join('\n');

// A claim is healthy when Bound, as Argo CD's built-in check says; additionally a claim
// annotated as binding on first use (a backup volume whose only consumer is a CronJob,
// on a WaitForFirstConsumer storage class) is healthy while Pending, so it does not hold
// its Application — and every later sync wave — in Progressing until the first backup.
const PVC_HEALTH_LUA = [
  'local hs = {}',
  'local phase = nil',
  'if obj.status ~= nil then phase = obj.status.phase end',
  'local annotations = {}',
  'if obj.metadata ~= nil and obj.metadata.annotations ~= nil then annotations = obj.metadata.annotations end',
  'if phase == "Bound" then',
  '  hs.status = "Healthy"',
  '  hs.message = "Bound"',
  `elseif phase == "Pending" and annotations["${ANNOTATIONS.bindsOnFirstUse}"] == "true" then`,
  '  hs.status = "Healthy"',
  '  hs.message = "Pending until its first consumer runs"',
  'elseif phase == "Lost" then',
  '  hs.status = "Degraded"',
  '  hs.message = "the bound volume is lost"',
  'else',
  '  hs.status = "Progressing"',
  '  hs.message = "waiting for the claim to be bound"',
  'end',
  'return hs',
  '',
].join('\n');

/** The Lua health scripts the install configures, by argocd-cm key (tests run them). */
export const HEALTH_SCRIPTS = {
  'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
  'resource.customizations.health.PersistentVolumeClaim': PVC_HEALTH_LUA,
} as const;
