// Makes the compiled CLI executable and copies non-TypeScript assets (lab stand-ins, CNI manifests) into dist/.
import { chmodSync, cpSync, existsSync } from 'node:fs';

if (existsSync('dist/cli/main.js')) chmodSync('dist/cli/main.js', 0o755);
for (const dir of ['lab/assets', 'modules/assets']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}
