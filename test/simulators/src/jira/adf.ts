/** A node of the Atlassian Document Format. */
export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: unknown[];
}

/** An ADF document (`{ type: 'doc', version: 1, content }`). */
export interface AdfDoc extends AdfNode {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** Plain text as ADF: blank lines separate paragraphs, single newlines become hard breaks. */
export function textToAdf(text: string): AdfDoc {
  return {
    type: 'doc',
    version: 1,
    content: text.split('\n\n').map(paragraph => {
      const content: AdfNode[] = [];
      paragraph.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line.length) content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph', content };
    }),
  };
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'blockquote',
  'listItem',
  'panel',
  'rule',
]);

/** What joins a node's children: blank lines between a document's blocks, a newline between nested blocks, nothing inline. */
function childSeparator(type: string, blockChildren: boolean): string {
  if (type === 'doc') return '\n\n';
  return blockChildren ? '\n' : '';
}

/** The text of an ADF document; the inverse of `textToAdf` for what it produces. */
export function adfToText(node: AdfNode | null | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  if (node.type === 'mention') return String(node.attrs?.text ?? '');
  const children = node.content ?? [];
  const blockChildren = children.some(
    c => BLOCKS.has(c.type) || c.type.endsWith('List'),
  );
  return children.map(adfToText).join(childSeparator(node.type, blockChildren));
}

/** Whether a value is an ADF document Jira would accept. */
export function isAdfDoc(value: unknown): value is AdfDoc {
  const v = value as AdfDoc;
  return (
    Boolean(v) &&
    typeof v === 'object' &&
    v.type === 'doc' &&
    v.version === 1 &&
    Array.isArray(v.content)
  );
}
