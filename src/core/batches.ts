// Serial batches (`serial: 1`, `serial: "30%"`) and a bounded-parallel map for hosts.

export function serialBatches<T>(items: T[], serial: number | string | undefined): T[][] {
  if (items.length === 0) return [];
  let size = items.length;
  if (typeof serial === 'number') size = serial;
  else if (typeof serial === 'string' && serial.endsWith('%')) size = Math.ceil((items.length * Number(serial.slice(0, -1))) / 100);
  size = Math.max(1, Math.min(size, items.length));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Like Promise.all(items.map(fn)) with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
