/** The two databases labelhook runs on; differences between them stay in src/store. */
export type DialectName = 'sqlite' | 'postgres';
