import type { ExportFormat } from '../export-format.js';
import type { ExportAnnotation, ExportDocument } from '../export-reader.js';
import { tokenize, type Token } from '../tokenize.js';

// CoNLL with IOB2 tags for span labels. One block per (document, member annotation holding spans); a document
// without span labels is one block of O tags. Each block starts with `-DOCSTART- <documentId> <annotationId>
// <memberId>` (`-` for none) and a blank line; each text line is a sentence, sentences end with a blank line;
// each token is `token TAG`.

/** A label name as a tag: whitespace would split the column, so it becomes `_`. */
function tagName(label: string): string {
  return label.trim().replace(/\s+/g, '_');
}

/** IOB2 tags of the tokens for one annotation's spans; a token already tagged by an earlier span keeps its tag. */
export function iob2Tags(tokens: Token[], annotation: ExportAnnotation | null): string[] {
  const tags = tokens.map(() => 'O');
  if (!annotation) return tags;
  const spans = annotation.labels
    .filter((l) => l.type === 'SPAN')
    .sort((a, b) => a.startCharIndex - b.startCharIndex || a.layer - b.layer || (a.id < b.id ? -1 : 1));
  for (const span of spans) {
    let inside = false;
    tokens.forEach((t, i) => {
      if (t.end <= span.startCharIndex || t.start >= span.endCharIndex || tags[i] !== 'O') return;
      tags[i] = `${inside ? 'I' : 'B'}-${tagName(span.label)}`;
      inside = true;
    });
  }
  return tags;
}

function block(doc: ExportDocument, tokens: Token[], annotation: ExportAnnotation | null): string {
  const tags = iob2Tags(tokens, annotation);
  let out = `-DOCSTART- ${doc.id} ${annotation?.id ?? '-'} ${annotation?.memberId ?? '-'}\n\n`;
  tokens.forEach((t, i) => {
    if (i > 0 && t.line !== tokens[i - 1]!.line) out += '\n';
    out += `${t.text} ${tags[i]}\n`;
  });
  return tokens.length > 0 ? `${out}\n` : out;
}

/** The CoNLL text of one document (nothing for a document without text). */
function documentBlocks(doc: ExportDocument): string {
  if (doc.text === null) return '';
  const tokens = tokenize(doc.text);
  const withSpans = doc.annotations.filter((a) => a.labels.some((l) => l.type === 'SPAN'));
  if (withSpans.length === 0) return block(doc, tokens, null);
  return withSpans.map((a) => block(doc, tokens, a)).join('');
}

/** CoNLL/IOB2 for span labels. */
export const conllExport: ExportFormat = {
  name: 'conll',
  contentType: 'text/plain; charset=utf-8',
  extension: 'conll',
  writer: () => ({
    start: () => '',
    page: (docs) => docs.map(documentBlocks).join(''),
    end: () => '',
  }),
};
