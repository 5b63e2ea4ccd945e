import type { Transaction } from "kysely";
import type { Database } from "../schema";
import type { JiaozuoFixture, SeedReport } from "./demo";

/** Demo meeting record and published digest of inquiry 1 (issue 5): filled in by the meeting work. Idempotent. */
export async function seedMeeting(_trx: Transaction<Database>, _fixture: JiaozuoFixture, _report: SeedReport, _now: string): Promise<void> {}
