// Realistic pairs: a desired object as `npm run render` produces it, and the same object
// as `kubectl get -o yaml --show-managed-fields` returns it after Argo CD applied it —
// with everything the API server and controllers fill in.
import type { KubeObject } from '../../src/core/kube.ts';

export function desiredDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'opa',
      namespace: 'soma-infra',
      labels: { 'app.kubernetes.io/name': 'opa', 'app.kubernetes.io/managed-by': 'somastack' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'opa' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'opa' }, annotations: { 'soma.sh/config-hash': 'abc123' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'opa',
              image: 'openpolicyagent/opa:1.4.2',
              args: ['run', '--server', '--addr=0.0.0.0:8181'],
              ports: [{ name: 'http', containerPort: 8181 }],
              resources: { requests: { cpu: 0.1, memory: '256Mi' }, limits: { cpu: '200m', memory: '512Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'policy', mountPath: '/policy', readOnly: true }],
              env: [{ name: 'OPA_LOG_LEVEL', value: 'info' }],
            },
          ],
          volumes: [
            { name: 'policy', configMap: { name: 'opa-policy' } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}

export function liveDeployment(): KubeObject {
  const d = desiredDeployment() as any;
  const c = d.spec.template.spec.containers[0];
  return {
    ...d,
    metadata: {
      ...d.metadata,
      uid: '7b0c2f0e-1d2b-4a5e-9f3a-2c1d0e9f8a7b',
      resourceVersion: '48213',
      generation: 3,
      creationTimestamp: '2025-05-01T10:00:00Z',
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'argocd.argoproj.io/tracking-id': 'kind-soma-opa:apps/Deployment:soma-infra/opa',
      },
      managedFields: [
        {
          manager: 'argocd-controller',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: '2025-05-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {},
        },
      ],
    },
    spec: {
      ...d.spec,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { ...d.spec.template.metadata, creationTimestamp: null },
        spec: {
          ...d.spec.template.spec,
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          terminationGracePeriodSeconds: 30,
          volumes: [
            { name: 'policy', configMap: { name: 'opa-policy', defaultMode: 420 } },
            { name: 'tmp', emptyDir: {} },
          ],
          containers: [
            {
              ...c,
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              ports: [{ name: 'http', containerPort: 8181, protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '200m', memory: '512Mi' } },
            },
          ],
        },
      },
    },
    status: {
      observedGeneration: 3,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [{ type: 'Available', status: 'True' }],
    },
  };
}

export function desiredService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'postgres', namespace: 'soma-infra', labels: { 'app.kubernetes.io/name': 'postgres' } },
    spec: {
      selector: { 'app.kubernetes.io/name': 'postgres' },
      ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }],
    },
  };
}

export function liveService(): KubeObject {
  const s = desiredService() as any;
  return {
    ...s,
    metadata: { ...s.metadata, uid: 'u-1', resourceVersion: '900', creationTimestamp: '2025-05-01T10:00:00Z' },
    spec: {
      ...s.spec,
      type: 'ClusterIP',
      clusterIP: '10.96.14.7',
      clusterIPs: ['10.96.14.7'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      ports: [{ name: 'postgres', port: 5432, protocol: 'TCP', targetPort: 'postgres' }],
    },
    status: { loadBalancer: {} },
  };
}

export function desiredStatefulSet(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'postgres', namespace: 'soma-infra' },
    spec: {
      serviceName: 'postgres-headless',
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'postgres' } },
        spec: { containers: [{ name: 'postgres', image: 'postgres:17.5' }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
        },
      ],
    },
  };
}

export function liveStatefulSet(): KubeObject {
  const s = desiredStatefulSet() as any;
  return {
    ...s,
    metadata: { ...s.metadata, uid: 'u-2', generation: 1, resourceVersion: '77' },
    spec: {
      ...s.spec,
      podManagementPolicy: 'OrderedReady',
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', creationTimestamp: null },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '5Gi' } },
            volumeMode: 'Filesystem',
          },
          status: { phase: 'Pending' },
        },
      ],
    },
    status: { replicas: 1, readyReplicas: 1 },
  };
}

export function desiredNetworkPolicy(): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'postgres', namespace: 'soma-infra' },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'soma.sh/allow-shared-infra': 'true' } } }],
          ports: [{ port: 5432 }],
        },
      ],
    },
  };
}

export function liveNetworkPolicy(): KubeObject {
  const n = desiredNetworkPolicy() as any;
  return {
    ...n,
    metadata: { ...n.metadata, uid: 'u-3', generation: 1 },
    spec: { ...n.spec, ingress: [{ ...n.spec.ingress[0], ports: [{ port: 5432, protocol: 'TCP' }] }] },
  };
}

export function desiredSecret(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'soma-infra-grafana-admin', namespace: 'soma-infra' },
    type: 'Opaque',
    stringData: { 'admin-user': 'admin', 'admin-password': 'correct horse' },
  };
}

export function liveSecret(password = 'correct horse'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'soma-infra-grafana-admin', namespace: 'soma-infra', uid: 'u-4', resourceVersion: '5' },
    type: 'Opaque',
    data: {
      'admin-user': Buffer.from('admin').toString('base64'),
      'admin-password': Buffer.from(password).toString('base64'),
    },
  };
}
