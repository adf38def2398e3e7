import { ImportInputError } from './input-error.js';

/** One element of a JSON array, as its source text and the line it starts on. */
export interface ArrayElementText {
  text: string;
  line: number;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0xfeff]);

/**
 * Splits one JSON array into its elements' texts, fed chunk by chunk, so a large array is never parsed as a whole.
 * Structural errors (no "[", trailing comma, unclosed array) throw ImportInputError naming the line; each element's
 * text is parsed by the caller (one bad element need not stop the others).
 */
export class JsonArraySplitter {
  private state: 'start' | 'between' | 'element' | 'end' = 'start';
  private needValue = true;
  private sawComma = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private elementLine = 0;
  private line = 1;

  constructor(private readonly file: string) {}

  private fail(line: number, what: string): never {
    throw new ImportInputError(`${this.file}:${line}: ${what}`, this.file, line);
  }

  /** Reads the next chunk of the file and answers the elements that ended in it. */
  push(s: string): ArrayElementText[] {
    const out: ArrayElementText[] = [];
    let segment = 0;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (this.state === 'element') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (ch === 0x5c) this.escaped = true;
          else if (ch === 0x22) this.inString = false;
        } else if (ch === 0x22) this.inString = true;
        else if (ch === 0x7b || ch === 0x5b) this.depth++;
        else if ((ch === 0x7d || ch === 0x5d) && this.depth > 0) this.depth--;
        else if (this.depth === 0 && (ch === 0x2c || ch === 0x5d)) {
          // The element ends before this comma or closing bracket, which is then read as a separator.
          out.push({ text: this.parts.join('') + s.slice(segment, i), line: this.elementLine });
          this.parts = [];
          this.state = 'between';
          this.needValue = false;
        }
        if (this.state === 'element') {
          if (ch === 0x0a) this.line++;
          continue;
        }
      }
      if (ch === 0x0a) this.line++;
      if (WS.has(ch)) continue;
      if (this.state === 'start') {
        if (ch !== 0x5b) this.fail(this.line, 'expected a JSON array ("[" ... "]"); use --format jsonl for one JSON value per line');
        this.state = 'between';
        this.needValue = true;
      } else if (this.state === 'between') {
        if (ch === 0x2c) {
          if (this.needValue) this.fail(this.line, 'unexpected ","');
          this.needValue = true;
          this.sawComma = true;
        } else if (ch === 0x5d) {
          if (this.needValue && this.sawComma) this.fail(this.line, 'a "," is followed by "]" (trailing comma)');
          this.state = 'end';
        } else {
          if (!this.needValue) this.fail(this.line, 'expected "," or "]" between array elements');
          this.state = 'element';
          this.elementLine = this.line;
          segment = i;
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          i--; // read this character again as the element's first
        }
      } else if (this.state === 'end') {
        this.fail(this.line, 'unexpected content after the closing "]"');
      }
    }
    if (this.state === 'element') this.parts.push(s.slice(segment));
    return out;
  }

  /** The file ended: throws unless the array was closed. */
  end(): void {
    if (this.state !== 'end') this.fail(this.line, this.state === 'start' ? 'the file is empty; expected a JSON array' : 'the array is not closed with "]" (is the file truncated?)');
  }
}

/** Parses one element's text (as JsonArraySplitter answered it); a syntax error names its line. */
export function parseArrayElement(element: ArrayElementText, file: string): unknown {
  try {
    return JSON.parse(element.text);
  } catch (err) {
    throw new ImportInputError(`${file}:${element.line}: not valid JSON (${(err as Error).message})`, file, element.line);
  }
}
