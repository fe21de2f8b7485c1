// Where Kubernetes and provision keep their files on a node: one list, so modules and probes agree.
export const KUBE_DIR = '/etc/kubernetes';
export const ADMIN_CONF = '/etc/kubernetes/admin.conf';
export const SUPER_ADMIN_CONF = '/etc/kubernetes/super-admin.conf';
export const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
export const CA_CERT = '/etc/kubernetes/pki/ca.crt';
export const MANIFESTS_DIR = '/etc/kubernetes/manifests';
export const APISERVER_MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml';
export const KUBE_VIP_MANIFEST = '/etc/kubernetes/manifests/kube-vip.yaml';
/** provision's own files (kubeadm configs, the applied CNI manifest), root-only. */
export const PROVISION_DIR = '/etc/kubernetes/provision';
export const INIT_CONFIG = '/etc/kubernetes/provision/kubeadm-init.yaml';
export const JOIN_CONFIG = '/etc/kubernetes/provision/kubeadm-join.yaml';
/** Written by provision only after `kubeadm init` exited 0 (admin.conf alone does not prove a finished init). */
export const INIT_DONE = '/etc/kubernetes/provision/kubeadm-init.done';
export const HAPROXY_CFG = '/etc/haproxy/haproxy.cfg';
export const CRI_SOCKET = 'unix:///run/containerd/containerd.sock';
/** The port every kube-apiserver binds on the control planes (the LB or VIP forwards api.port to it). */
export const APISERVER_PORT = 6443;
