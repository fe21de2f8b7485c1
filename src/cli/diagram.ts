// `provision diagram -i FILE`: prints the inventory's network plan as a Mermaid flowchart.
import { loadInventoryOrThrow } from '../inventory/load.js';
import { renderMermaid } from '../inventory/diagram.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { UsageError } from '../core/errors.js';

export const spec = defineVerb({
  name: 'diagram',
  options: {
    inventory: { type: 'string', short: 'i' },
    markdown: { type: 'boolean' },
  },
  help: `usage: provision diagram -i FILE [--markdown]

Prints the network plan (LAN, router, hosts by role, API endpoint, pod/service/MetalLB ranges)
as a Mermaid flowchart.
  -i, --inventory FILE   the inventory
      --markdown         wrap it in a \`\`\`mermaid block for README files
  -h, --help             this text`,
});

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  if (!values.inventory) throw new UsageError('diagram needs an inventory: provision diagram -i FILE');
  const chart = renderMermaid(await loadInventoryOrThrow(values.inventory));
  process.stdout.write(values.markdown ? `\`\`\`mermaid\n${chart}\`\`\`\n` : chart);
  return 0;
}
