import type { Transaction } from "kysely";
import type { Database } from "../schema";
import type { JiaozuoFixture, SeedReport } from "./demo";

/** Demo outline of inquiry 1 (issue 4): filled in by the outline work. Idempotent. */
export async function seedOutline(_trx: Transaction<Database>, _fixture: JiaozuoFixture, _report: SeedReport, _now: string): Promise<void> {}
