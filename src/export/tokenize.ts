/** A token of a document's text with its character offsets (end exclusive). */
export interface Token {
  text: string;
  start: number;
  end: number;
  /** Index of the text line (0-based) the token is on: CoNLL sentences are the text's lines. */
  line: number;
}

// A token is a run of letters, digits, combining marks and underscores, or any other single non-space character
// (punctuation and symbols stand alone): "Don't stop!" → Don ' t stop !
const TOKEN = /[\p{L}\p{N}\p{M}_]+|[^\s\p{L}\p{N}\p{M}_]/gu;

/** Splits text at whitespace and punctuation (docs/export.md "Token boundaries"). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 0;
  let scanned = 0;
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index;
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++;
    scanned = start;
    out.push({ text: m[0], start, end: start + m[0].length, line });
  }
  return out;
}
