/**
 * Placeholders inside template strings: `$name` or `${name}`; `$$` is a literal `$`.
 * A `$` not followed by a letter or underscore (a price, `$1`) is left as it is.
 */
const PLACEHOLDER =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variable names a string refers to, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? match[2];
    if (name) names.push(name);
  }
  return names;
}

/** When the whole string is one placeholder, its name (so the value keeps its JSON type). */
export function soleVariable(text: string): string | undefined {
  const match = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(text);
  if (!match) return undefined;
  // `${a` or `$a}` are not one placeholder.
  if (text.startsWith('${') !== text.endsWith('}')) return undefined;
  return match[1];
}

/** Replaces every placeholder in a string; `lookup` returns the text for a name. */
export function substitute(
  text: string,
  lookup: (name: string) => string,
): string {
  return text.replace(PLACEHOLDER, (whole, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    return lookup((braced ?? bare)!);
  });
}

/**
 * Makes a template that uses bare placeholders as JSON values (`{"priority": $severity}`)
 * parseable, by quoting every placeholder that stands outside a string literal. Text
 * inside string literals is left exactly as written.
 */
export function quoteBarePlaceholders(template: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (inString) {
      out += ch;
      if (ch === '\\' && i + 1 < template.length) {
        out += template[++i];
      } else if (ch === '"') {
        inString = false;
      }
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    if (ch === '$') {
      const match =
        /^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(
          template.slice(i),
        );
      if (match) {
        out += `"${match[0]}"`;
        i += match[0].length - 1;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
