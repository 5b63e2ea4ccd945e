import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";

/**
 * Migrations are listed here rather than read from the folder at run time, so they are bundled into the
 * server build and the same list serves `npm run db:migrate`, the server start and the tests.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
};
