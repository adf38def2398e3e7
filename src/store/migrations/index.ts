import type { Migration } from 'kysely';
import type { DialectName } from '../dialect.js';
import * as m001 from './001-initial.js';
import * as m002 from './002-document-keys.js';
import * as m003 from './003-delivery-batches.js';
import * as m004 from './004-delivery-due-index.js';
import * as m005 from './005-delivery-webhook-due-index.js';
import * as m006 from './006-labels-project-index.js';
import * as m007 from './007-webhook-max-body-bytes.js';
import * as m008 from './008-integer-aliases.js';
import * as m009 from './009-workers.js';
import * as m010 from './010-export-jobs.js';
import * as m011 from './011-lean-queue-indexes.js';
import * as m012 from './012-sqlite-live-due-indexes.js';

/** Every migration in order; forward-only. Add a numbered file and list it here. */
export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    '001-initial': { up: (db) => m001.up(db, dialect) },
    '002-document-keys': { up: (db) => m002.up(db) },
    '003-delivery-batches': { up: (db) => m003.up(db) },
    '004-delivery-due-index': { up: (db) => m004.up(db) },
    '005-delivery-webhook-due-index': { up: (db) => m005.up(db) },
    '006-labels-project-index': { up: (db) => m006.up(db) },
    '007-webhook-max-body-bytes': { up: (db) => m007.up(db) },
    '008-integer-aliases': { up: (db) => m008.up(db, dialect) },
    '009-workers': { up: (db) => m009.up(db) },
    '010-export-jobs': { up: (db) => m010.up(db) },
    '011-lean-queue-indexes': { up: (db) => m011.up(db) },
    '012-sqlite-live-due-indexes': { up: (db) => m012.up(db, dialect) },
  };
}
