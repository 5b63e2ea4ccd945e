import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_plan_research_surveys";

/**
 * Migrations are listed here rather than read from the folder at run time, so they are bundled into the
 * server build and the same list serves `npm run db:migrate`, the server start and the tests.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_plan_research_surveys": m0002,
};
