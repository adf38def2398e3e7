/** Counts the documents in an export's text as it streams past, for progress (display only, never the data). */
export interface DocumentCounter {
  /** Feeds the next chunk; answers the documents seen so far. */
  push(chunk: string): number;
}

/**
 * A counter for `format`: JSONL counts lines, Label Studio's array counts `\n{` (each task starts a line), CoNLL counts
 * `-DOCSTART-` lines of a new document, CSV counts records whose first column (the document id) changes. CSV and CoNLL
 * look at line starts only, so a text that itself has a line starting like a record may count one too many.
 */
export function documentCounter(format: string): DocumentCounter {
  let count = 0;
  let carry = '';
  let lastDoc = '';
  const lines = (chunk: string, onLine: (line: string) => void): void => {
    const parts = (carry + chunk).split('\n');
    carry = parts.pop()!;
    for (const line of parts) onLine(line);
  };
  switch (format) {
    case 'jsonl':
      return { push: (chunk) => (lines(chunk, (l) => void (l !== '' && count++)), count) };
    case 'label-studio':
      return { push: (chunk) => (lines(chunk, (l) => void (l.startsWith('{') && count++)), count) };
    case 'conll':
    case 'csv': {
      const docOf = format === 'conll' ? (l: string) => (l.startsWith('-DOCSTART- ') ? l.split(' ')[1]! : null) : (l: string) => (/^doc_[0-9a-z]+,/.test(l) ? l.slice(0, l.indexOf(',')) : null);
      return {
        push: (chunk) => {
          lines(chunk, (l) => {
            const doc = docOf(l);
            if (doc !== null && doc !== lastDoc) {
              lastDoc = doc;
              count++;
            }
          });
          return count;
        },
      };
    }
    default:
      return { push: () => count };
  }
}
