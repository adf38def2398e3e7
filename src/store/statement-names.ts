// Names for the hot statements' texts, so PostgreSQL parses and plans each once per connection instead of once per
// run (docs/architecture.md, "The seams → Database"). Only preparedQuery's texts get one (src/store/db.ts): their
// number is bounded (one per query and list length), where every other text could be new each time and a named
// statement lives as long as its connection.

const names = new Map<string, string>();

/** Gives a compiled hot statement's text its name (the same text always gets the same name, within the process). */
export function nameStatement(text: string): void {
  if (!names.has(text)) names.set(text, `lh_${names.size + 1}`);
}

/** The name of a statement text given one by nameStatement, else undefined (run it unnamed). */
export function statementName(text: string): string | undefined {
  return names.get(text);
}
