// The base root's recipe (pure): parsing with file:line errors, the cache key, and which mirror debootstrap uses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { debianMirror, parseRecipe, recipeHash, RECIPE_FILE } from '../../../src/lab/base-root.js';

describe('base root recipe', () => {
  it('the project\'s recipe: bookworm minbase with systemd, the four stacks, no curl or gpg', () => {
    const r = parseRecipe(readFileSync(RECIPE_FILE, 'utf8'));
    expect(r).toMatchObject({ suite: 'bookworm', variant: 'minbase', mirrorOnly: ['haproxy', 'systemd-timesyncd', 'iputils-arping'] });
    expect(r.mask).toEqual(['console-getty.service']); // no console login: one inotify instance fewer per host
    expect(r.include).not.toContain('systemd-timesyncd'); // provision installs it from the mirror, as on a node without it
    for (const p of ['systemd', 'systemd-sysv', 'openssh-server', 'ifupdown', 'network-manager', 'netplan.io', 'nftables', 'sudo']) expect(r.include).toContain(p);
    for (const p of ['curl', 'gpg', 'wget']) expect(r.include).not.toContain(p);
  });
  it('names file:line of a bad line', () => {
    expect(() => parseRecipe('suite bookworm\nincludes foo\n', 'r')).toThrow("r:2: unknown key 'includes'");
    expect(() => parseRecipe('suite bookworm\ninclude a;b\n', 'r')).toThrow("r:2: 'a;b' is not a package or unit name");
    expect(() => parseRecipe('include a\n', 'r')).toThrow('r: no suite line');
  });
  it('the cache key ignores comments and spacing, not content', () => {
    const a = recipeHash('suite bookworm\ninclude a b\n');
    expect(recipeHash('# why\nsuite  bookworm\ninclude a  b # note\n')).toBe(a);
    expect(recipeHash('suite bookworm\ninclude a b c\n')).not.toBe(a);
  });
  it('takes the bookworm mirror apt uses (deb822 or one-line), not security or other repositories', () => {
    const deb822 = 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n';
    expect(debianMirror(['Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\n', deb822])).toBe('http://mirror.example/debian');
    expect(debianMirror(['deb [arch=amd64] http://ftp.example/debian bookworm main\n'])).toBe('http://ftp.example/debian');
    expect(debianMirror([])).toBe('http://deb.debian.org/debian');
  });
});
