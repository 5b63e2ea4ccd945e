import type { Transaction } from "kysely";
import type { Database } from "../schema";
import type { JiaozuoFixture, SeedReport } from "./demo";

/** Demo rectification items and handling report of inquiry 1 (issue 6): filled in by the rectification work. Idempotent. */
export async function seedRectification(_trx: Transaction<Database>, _fixture: JiaozuoFixture, _report: SeedReport, _now: string): Promise<void> {}
