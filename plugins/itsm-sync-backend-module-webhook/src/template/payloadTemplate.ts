import {
  placeholdersIn,
  quoteBarePlaceholders,
  soleVariable,
  substitute,
} from './placeholders';

/** A value a template variable can take. */
export type TemplateValue = string | number | boolean | null;

/** A JSON payload template, parsed once and rendered per request. */
export interface PayloadTemplate {
  /** The parsed JSON with placeholders still in its strings. */
  readonly tree: unknown;
  /** Every variable the template refers to. */
  readonly variables: string[];
}

/** A template that cannot be used; the message names the setting and the problem. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

function collect(node: unknown, into: string[]): void {
  if (typeof node === 'string') into.push(...placeholdersIn(node));
  else if (Array.isArray(node)) node.forEach(n => collect(n, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      into.push(...placeholdersIn(key));
      collect(value, into);
    }
  }
}

/**
 * Parses a payload template given as JSON text or as an already-parsed object, and
 * checks that it names only `allowed` variables. Placeholders may stand inside JSON
 * strings (`"summary": "[$severity] $case_name"`) or as bare values (`"n": $severity`).
 */
export function compilePayloadTemplate(
  source: unknown,
  setting: string,
  allowed: ReadonlySet<string>,
): PayloadTemplate {
  let tree: unknown;
  if (typeof source === 'string') {
    try {
      tree = JSON.parse(quoteBarePlaceholders(source));
    } catch (error) {
      throw new TemplateError(
        `${setting} is not valid JSON: ${(error as Error).message}`,
      );
    }
  } else if (source && typeof source === 'object') {
    tree = source;
  } else {
    throw new TemplateError(
      `${setting} must be a JSON object (as text or as an object)`,
    );
  }
  if (!tree || typeof tree !== 'object') {
    throw new TemplateError(
      `${setting} must be a JSON object or array, not ${JSON.stringify(tree)}`,
    );
  }
  const variables: string[] = [];
  collect(tree, variables);
  const unknown = [...new Set(variables.filter(v => !allowed.has(v)))];
  if (unknown.length) {
    throw new TemplateError(
      `${setting} uses unknown variable${unknown.length > 1 ? 's' : ''} ${unknown
        .map(v => `$${v}`)
        .join(
          ', ',
        )}; available here: ${[...allowed].map(v => `$${v}`).join(', ')}`,
    );
  }
  return { tree, variables: [...new Set(variables)] };
}

function textOf(value: TemplateValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function renderNode(
  node: unknown,
  values: Record<string, TemplateValue>,
): unknown {
  if (typeof node === 'string') {
    const sole = soleVariable(node);
    // A string that is exactly one placeholder takes the value's own JSON type (null stays null).
    if (sole !== undefined)
      return values[sole] === undefined ? null : values[sole];
    return substitute(node, name => textOf(values[name]));
  }
  if (Array.isArray(node)) return node.map(n => renderNode(n, values));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[substitute(key, name => textOf(values[name]))] = renderNode(
        value,
        values,
      );
    }
    return out;
  }
  return node;
}

/**
 * Renders a template to JSON text. Values are placed into the parsed tree and the
 * whole is serialised with `JSON.stringify`, so quotes, backslashes, newlines or
 * `"},"x":"` in a value stay inside their string and can never change the payload's shape.
 */
export function renderPayload(
  template: PayloadTemplate,
  values: Record<string, TemplateValue>,
): string {
  return JSON.stringify(renderNode(template.tree, values));
}

/**
 * Renders a URL template: each value is percent-encoded, so a ticket id can never add
 * a path segment, a query or a host; a value of `.` or `..`, which the URL would resolve
 * as a path step, is refused with a `TemplateError`.
 */
export function renderUrl(
  template: string,
  values: Record<string, TemplateValue>,
): string {
  return substitute(template, name => {
    const encoded = encodeURIComponent(textOf(values[name]));
    if (encoded === '.' || encoded === '..') {
      throw new TemplateError(
        `$${name} is '${encoded}', which would move the URL's path; refused`,
      );
    }
    return encoded;
  });
}
