// Certificate alerts, from the gauges cert-manager's controller exports on 9402 (job
// cert-manager): certmanager_certificate_expiration_timestamp_seconds (the notAfter of the
// certificate in each Certificate's Secret) and certmanager_certificate_ready_status (one
// series per condition value). Leaves renew 30 days before expiry and the CA a year before
// (vault-tls.ts), so a certificate inside the warning window has failed to renew for days.
import type { AlertGroup } from './rules.ts';

/** Days before expiry that a certificate still in use is an alert (leaves renew at 30). */
export const CERT_EXPIRY_WARNING_DAYS = 21;
const CM = 'job="cert-manager"';

export const CERTIFICATES: AlertGroup = {
  name: 'soma-certificates',
  rules: [
    {
      alert: 'SomaCertificateExpiringSoon',
      // 0 is cert-manager's value for a Certificate never issued (no notAfter yet): not an
      // expiry, and SomaCertificateNotReady covers it.
      expr: `(certmanager_certificate_expiration_timestamp_seconds{${CM}} > 0) - time() < ${CERT_EXPIRY_WARNING_DAYS * 86400}`,
      for: '1h',
      severity: 'warning',
      summary: `Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than ${CERT_EXPIRY_WARNING_DAYS} days and has not been renewed`,
      action:
        'kubectl -n {{ $labels.namespace }} describe certificate {{ $labels.name }} (and its latest CertificateRequest); the cert-manager controller logs say why renewal fails',
    },
    {
      alert: 'SomaCertificateNotReady',
      expr: `certmanager_certificate_ready_status{${CM},condition="False"} == 1`,
      for: '15m',
      severity: 'warning',
      summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} is not Ready',
      action:
        'kubectl -n {{ $labels.namespace }} describe certificate {{ $labels.name }}: its Issuer ({{ $labels.issuer_name }}) must be Ready and the request approved',
    },
  ],
};
