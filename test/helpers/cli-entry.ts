// The CLI launched from source for tests (same as bin/labelhook.js, without needing `npm run build`).
import { main } from '../../src/cli/main.js';

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
