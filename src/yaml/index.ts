// Public surface of the YAML-with-positions loader (inventory and playbook loaders import from here).
export { parseYamlFile, parseYamlText, MAX_YAML_BYTES } from './document.js';
export { MAX_YAML_EXPANDED_NODES } from './structure-checks.js';
export { findExcessiveNesting, MAX_YAML_NESTING } from './depth-guard.js';
export type { YamlDocument, YamlPath, Position, ParseYamlOptions } from './document.js';
export { zodIssuesToFindings } from './zod-findings.js';
export type { IssueMappingOptions } from './zod-findings.js';
export { didYouMean, editDistance } from './did-you-mean.js';
export { allowedKeysAt } from './schema-keys.js';
