// Rewrites only the value of cluster.kubernetes in the inventory file (comments, order and quoting elsewhere untouched).
import { parseDocument, isScalar } from 'yaml';

/** The file's text with cluster.kubernetes set to "MINOR" (quoted: YAML reads 1.30 as the number 1.3); throws when the key is missing. */
export function setClusterKubernetes(text: string, version: string): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const node = doc.getIn(['cluster', 'kubernetes'], true);
  if (!isScalar(node) || !node.range) throw new Error('cluster.kubernetes not found in the inventory');
  const [start, end] = node.range;
  return `${text.slice(0, start)}"${version}"${text.slice(end)}`;
}
