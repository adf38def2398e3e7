import type { Kysely, Transaction } from 'kysely';
import { aliasNumber } from '../store/num-alias.js';
import type { DatabaseSchema } from '../store/schema.js';
import { chunked } from './chunked.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** The team-owned tables whose rows the API finds by string id or by integer alias. */
export type AliasedTable = 'projects' | 'documents' | 'members' | 'annotations';

/**
 * The one resolver behind every lookup that accepts an id: a string id is answered as is (no query); an integer
 * alias (`42` or `"42"`, as the label-studio dialect sends) becomes the string id of the team's row with that
 * `num`. An alias no row has comes back unchanged, so the lookup that follows answers its usual 404.
 */
export async function resolveId(db: Db, table: AliasedTable, teamId: string, ref: string | number): Promise<string> {
  const num = aliasNumber(ref);
  if (num === null) return String(ref);
  const row = await db.selectFrom(table).select('id').where('num', '=', num).where('team_id', '=', teamId).executeTakeFirst();
  return row?.id ?? String(ref);
}

/** Like resolveId for a list of documents of one project (one query per 500 aliases among them), in the order given. */
export async function resolveDocumentIds(db: Db, projectId: string, refs: readonly (string | number)[]): Promise<string[]> {
  const nums = [...new Set(refs.map(aliasNumber).filter((n): n is number => n !== null))];
  if (nums.length === 0) return refs.map(String);
  const byNum = new Map<number, string>();
  for (const part of chunked(nums)) {
    const rows = await db.selectFrom('documents').select(['id', 'num']).where('num', 'in', part).where('project_id', '=', projectId).execute();
    for (const r of rows) byNum.set(Number(r.num), r.id);
  }
  return refs.map((r) => {
    const n = aliasNumber(r);
    return n === null ? String(r) : (byNum.get(n) ?? String(r));
  });
}
