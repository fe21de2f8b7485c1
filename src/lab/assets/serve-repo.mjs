// The lab router's HTTP server for the offline apt mirror (static files, GET/HEAD only), run inside the router namespace.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { normalize, join } from 'node:path';

const [root, address, port] = process.argv.slice(2);
createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  const file = join(root, path);
  let st;
  try { st = statSync(file); } catch { st = undefined; }
  if (!file.startsWith(root) || !st?.isFile() || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-length': st.size, 'last-modified': st.mtime.toUTCString(), 'content-type': 'application/octet-stream' });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}).listen(Number(port), address, () => process.stdout.write(`serving ${root} on http://${address}:${port}\n`));
