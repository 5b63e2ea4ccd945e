import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { nowIso } from "../utils/time";

/**
 * Responding officials (应询人员) as the office meets them (issue 13):
 * - a meeting's 应询人员 fill themselves from its record: whoever answers in an exchange (answer or 补充回答,
 *   with a government organ or department) is on the meeting's list, once per unit and name;
 * - every official registered or heard is remembered per organisation (known_officials: name, latest title)
 *   and offered again at the next meeting — in the 应询人员 form and the live entry's responder field.
 */
type DB = Kysely<Database>;
type Trx = Transaction<Database>;

export interface OfficialSeen {
  organizationId: number;
  name: string;
  title: string;
}

/** Remembers officials for the next meetings: a new name is added, a known one takes the latest non-empty title. */
export async function rememberKnownOfficials(trx: Trx, people: OfficialSeen[]): Promise<void> {
  const now = nowIso();
  for (const p of people) {
    const name = p.name.trim();
    if (!name) continue;
    const title = p.title.trim();
    await trx
      .insertInto("known_officials")
      .values({ organization_id: p.organizationId, name, title, last_used_at: now })
      .onConflict((oc) =>
        oc.columns(["organization_id", "name"]).doUpdateSet({
          last_used_at: now,
          title: title ? title : sql<string>`known_officials.title`,
        }),
      )
      .execute();
  }
}

/**
 * After an exchange is recorded or corrected: its answering speakers (answer / 补充回答 with a government organ or
 * department) join the meeting's 应询人员 unless already there (same unit and name), and are remembered.
 * Runs in the transaction that wrote the turns.
 */
export async function officialsFromSegment(trx: Trx, segmentId: number): Promise<void> {
  const turns = await trx
    .selectFrom("meeting_turns as t")
    .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
    .innerJoin("organizations as o", "o.id", "t.organization_id")
    .select(["s.meeting_id", "t.organization_id", "t.speaker_name", "t.speaker_title"])
    .where("t.segment_id", "=", segmentId)
    .where("s.kind", "=", "exchange")
    .where("t.kind", "in", ["answer", "supplementary"])
    .where("o.kind", "in", ["government", "department"])
    .orderBy("t.position")
    .execute();
  const seen: OfficialSeen[] = [];
  for (const t of turns) {
    const name = t.speaker_name.trim();
    if (!name || t.organization_id === null) continue;
    seen.push({ organizationId: t.organization_id, name, title: t.speaker_title });
    const there = await trx
      .selectFrom("meeting_officials")
      .select("id")
      .where("meeting_id", "=", t.meeting_id)
      .where("organization_id", "=", t.organization_id)
      .where("name", "=", name)
      .executeTakeFirst();
    if (there) continue;
    const last = await trx.selectFrom("meeting_officials").select((eb) => eb.fn.max("position").as("p")).where("meeting_id", "=", t.meeting_id).executeTakeFirst();
    await trx
      .insertInto("meeting_officials")
      .values({ meeting_id: t.meeting_id, organization_id: t.organization_id, name, title: t.speaker_title.trim(), position: Number(last?.p ?? 0) + 1 })
      .execute();
  }
  await rememberKnownOfficials(trx, seen);
}

/** The remembered officials, most recently met first: what the forms offer. */
export async function knownOfficials(db: DB | Trx) {
  return db
    .selectFrom("known_officials as k")
    .innerJoin("organizations as o", "o.id", "k.organization_id")
    .select(["k.organization_id", "k.name", "k.title"])
    .where("o.active", "=", 1)
    .orderBy("k.last_used_at", "desc")
    .orderBy("k.id", "desc")
    .limit(2000)
    .execute();
}
