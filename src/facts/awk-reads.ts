// Files the probe's shell would read a byte per read(2) (dash's `read`), handed to the packages' awk when it runs:
// getline reads a file in one buffer. The same sections come back either way; only who reads them differs.

/** The probe's shell variable that queues the reads for the awk (which takes it from its environment: no escapes). */
export const AWK_READS_VAR = 'P_ar';

/** Shell variables of these functions (the probe clears them before a module's script runs). */
export const AWK_READS_SHELL_VARS = `${AWK_READS_VAR} P_n P_i P_x`;

/**
 * Shell functions the probe's sections read files with:
 * - `ar ID FILE...`: section ID holds the text of each readable FILE, in order (as `rd` prints them: each line with
 *   its newline, a last line without one given one); the section is there even when no FILE is.
 * - `ag ID PREFIX FILE`: section ID holds the first line of FILE that starts with PREFIX (none: empty).
 * With `byAwk` (the packages' awk runs later in this probe) they only queue the reads in AWK_READS_VAR, one record a
 * line ("a<TAB>ID<TAB>FILE", "g<TAB>ID<TAB>PREFIX<TAB>FILE"); a name with a newline cannot be queued and is skipped
 * (only a glob can produce one). Without, the shell reads: `ar` with the base section's `rd`. Every call comes before
 * the packages' awk (base's sections and the lines: preflight's); the queue is unset after it.
 */
export function awkReadFunctions(byAwk: boolean): string[] {
  if (!byAwk) {
    return [
      'ar() { s "$1"; shift; rd "$@"; }',
      `ag() { s "$1"; P_x=$2; while IFS= read -r l || [ -n "$l" ]; do case $l in "$P_x"*) printf '%s\\n' "$l"; break;; esac; done 2>/dev/null < "$3"; }`,
    ];
  }
  return [
    "P_n='\n'",
    `ar() { P_i=$1; shift; ${AWK_READS_VAR}="$${AWK_READS_VAR}\${P_n}a\t$P_i\t"; for f; do case $f in *"$P_n"*) ;; *) ${AWK_READS_VAR}="$${AWK_READS_VAR}\${P_n}a\t$P_i\t$f";; esac; done; }`,
    `ag() { ${AWK_READS_VAR}="$${AWK_READS_VAR}\${P_n}g\t$1\t$2\t$3"; }`,
  ];
}

/**
 * awk statements (an END block's, RS a newline, M the probe's marker) that print the queued reads: a section header
 * where the ID changes, then the files' lines. A file that cannot be opened prints nothing, as `rd` skips it.
 */
export const AWK_READS_END = [
  `  nr = split(ENVIRON["${AWK_READS_VAR}"], R, "\\n"); id = ""`,
  '  for (i = 1; i <= nr; i++) {',
  '    t = substr(R[i], 1, 1); r = substr(R[i], 3); j = index(r, "\\t")',
  '    if ((t != "a" && t != "g") || j == 0) continue',
  '    d = substr(r, 1, j - 1); r = substr(r, j + 1); x = ""',
  '    if (t == "g") { j = index(r, "\\t"); x = substr(r, 1, j - 1); r = substr(r, j + 1) }',
  '    if (d != id) { printf "\\n%s %s\\n", M, d; id = d }',
  '    if (r == "") continue',
  '    while ((getline l < r) > 0) {',
  '      if (t == "a") print l',
  '      else if (index(l, x) == 1) { print l; break }',
  '    }',
  '    close(r)',
  '  }',
].join('\n');

/**
 * An awk function and END block printing a fact's section (and its rc, 0) with the fact kind's awk reader (FactKind.awk):
 * the reader's statements run as the body of a function whose locals are a, c, k, l, m, n, p.
 */
export function factAwkProgram(sectionId: string, index: number, body: string): string {
  const fn = `pf_fact${index}`;
  return [
    `function ${fn}(  a, c, k, l, m, n, p) {`,
    body,
    '}',
    `END { printf "\\n%s %s\\n", M, "${sectionId}"; ${fn}(); printf "\\n%s %s\\n0\\n", M, "${sectionId}.rc" }`,
  ].join('\n');
}
