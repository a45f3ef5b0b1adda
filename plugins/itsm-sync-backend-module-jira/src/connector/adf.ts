/** A node of the Atlassian Document Format. */
export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
}

/** An ADF document. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** Plain text as ADF: blank lines separate paragraphs, single newlines become hard breaks. */
export function toAdf(text: string): AdfDocument {
  return {
    type: 'doc',
    version: 1,
    content: text.split('\n\n').map(paragraph => ({
      type: 'paragraph',
      content: paragraph
        .split('\n')
        .flatMap((line, i) => [
          ...(i > 0 ? [{ type: 'hardBreak' }] : []),
          ...(line ? [{ type: 'text', text: line }] : []),
        ]),
    })),
  };
}

const BLOCK_TYPES = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'blockquote',
  'panel',
  'listItem',
  'bulletList',
  'orderedList',
  'table',
  'tableRow',
  'tableCell',
  'rule',
  'mediaSingle',
]);

/** What joins a node's children: blank lines between a document's blocks, a newline between nested blocks, nothing inline. */
function childSeparator(type: string, hasBlocks: boolean): string {
  if (type === 'doc') return '\n\n';
  return hasBlocks ? '\n' : '';
}

/**
 * The readable text of an ADF document: the inverse of `toAdf` for what it writes,
 * and a faithful flattening of richer documents people write in Jira (lists, code,
 * mentions, emoji, links).
 */
export function fromAdf(node: unknown): string {
  if (typeof node === 'string') return node;
  const n = node as AdfNode | null | undefined;
  if (!n || typeof n !== 'object') return '';
  switch (n.type) {
    case 'text':
      return n.text ?? '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'emoji':
      return String(n.attrs?.text ?? n.attrs?.shortName ?? '');
    case 'inlineCard':
      return String(n.attrs?.url ?? '');
    default: {
      const children = n.content ?? [];
      const hasBlocks = children.some(c => BLOCK_TYPES.has(c.type));
      const prefix = n.type === 'listItem' ? '- ' : '';
      return (
        prefix + children.map(fromAdf).join(childSeparator(n.type, hasBlocks))
      );
    }
  }
}
