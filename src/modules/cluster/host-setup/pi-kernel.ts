// The Raspberry Pi kernel's page size (what the pi-kernel fact proves) and config.txt's kernel= fix.
import { managedBlock } from '../../support/managed-block.js';
import type { PiKernel } from '../../../facts/kinds/pi-kernel.js';

/** The Pi 5's default kernel (kernel_2712.img, `uname -r` ending in 16k) uses 16K pages; many images assume 4K. */
export function has16kPages(k: PiKernel, release: string): boolean {
  return k.pageSize !== undefined ? k.pageSize === 16384 : /16k$/.test(release);
}

export const CONFIG_TXT_PATHS = ['/boot/firmware/config.txt', '/boot/config.txt'];
const MARKER = 'provision kernel';

/** Bookworm's /boot/config.txt is a stub pointing at /boot/firmware: not the file the firmware reads. */
export function isStub(content: string): boolean {
  return /has moved to \/boot\/firmware/.test(content);
}

/** config.txt with a block that selects the 4K-page kernel for every model ([all] ends any earlier [pi5] filter). */
export function withKernel8(content: string): string {
  return managedBlock({ current: content, block: '[all]\nkernel=kernel8.img\n', marker: MARKER });
}

export function asksKernel8(content: string): boolean {
  return /^\s*kernel=kernel8\.img\s*$/m.test(content);
}
