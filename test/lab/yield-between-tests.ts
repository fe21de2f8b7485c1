// Lab tests drive the CLI with blocking child processes; yielding a macrotask around each test lets vitest's
// worker answer its RPC in between (a worker blocked past 60 s in total fails the run with "Timeout calling").
import { afterEach, beforeEach } from 'vitest';

const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
beforeEach(breathe);
afterEach(breathe);
