// Makes text from input files and hosts safe to print: control characters and bidi overrides become visible escapes.

/**
 * C0 controls (ESC, CR, LF, TAB...), DEL, C1 controls, the bidi embedding/override/isolate marks (U+202A-U+202E,
 * U+2066-U+2069, U+200E/F, U+061C) and the Unicode line/paragraph separators: any of them inside a value could
 * clear the screen, move the cursor, reorder what is shown or forge a line such as "0 errors, 0 warnings".
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One printable line: every unsafe character as \n, \r, \t, \xHH or \uHHHH. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (NAMED[ch]) return NAMED[ch];
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
