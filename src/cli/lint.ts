// `provision lint -i FILE [--json]`: validates the inventory and its network plan offline (exit 0 ok, 1 errors, 64 usage).
import { escapeControl } from '../core/escape.js';
import { formatFinding, hasErrors, type Finding } from '../core/finding.js';
import { withDisplayPaths } from '../inventory/display-path.js';
import { renderJsonSchema } from '../inventory/emit-json-schema.js';
import { lintInventoryFile } from '../inventory/lint-file.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { UsageError } from '../core/errors.js';

export const spec = defineVerb({
  name: 'lint',
  options: {
    inventory: { type: 'string', short: 'i' },
    json: { type: 'boolean' },
    'print-schema': { type: 'boolean' },
  },
  help: `usage: provision lint -i FILE [--json]
       provision lint --print-schema

Checks the inventory file (YAML, schema, names) and its network plan, without touching any host.
  -i, --inventory FILE   the inventory to check
      --json             print {"findings":[...]} instead of text
      --print-schema     print the inventory JSON Schema
  -h, --help             this text
Exit status: 0 no errors (warnings allowed), 1 errors found, 64 usage error.`,
});

function summary(findings: Finding[]): string {
  const count = (level: string) => findings.filter((f) => f.level === level).length;
  const [e, w] = [count('error'), count('warning')];
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  if (values['print-schema']) {
    process.stdout.write(renderJsonSchema());
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.inventory) throw new UsageError('lint needs an inventory: provision lint -i FILE');
  const findings = withDisplayPaths(await lintInventoryFile(values.inventory));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ findings })}\n`);
  } else {
    for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
    process.stdout.write(`${escapeControl(values.inventory)}: ${summary(findings)}\n`);
  }
  return hasErrors(findings) ? 1 : 0;
}
