// The names of the join providers and the placeholder syntax templates use (shared by modules and providers).
/** A fresh bootstrap token + CA hash + endpoint from `kubeadm token create --print-join-command`. */
export const TOKEN_PROVIDER = 'kubeadm-token';
/** A fresh certificate key from `kubeadm init phase upload-certs --upload-certs`. */
export const CERT_KEY_PROVIDER = 'kubeadm-cert-key';

/** `{{provider.key}}`, filled by the runner from the provider's secret outputs at apply time. */
export function placeholder(provider: string, key: string): string {
  return `{{${provider}.${key}}}`;
}
