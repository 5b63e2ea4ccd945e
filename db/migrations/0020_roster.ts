import { sql, type Kysely } from "kysely";
import { id } from "./portable";

/**
 * The committee's people and the installation's own name (issue 13; docs/decisions/0090-roster-and-settings.md):
 *
 * - `roster_members` (组成人员名册): committee members and invited deputies — name, 职务, whether they vote
 *   (组成人员) or attend (列席代表), an optional member account (at most one entry per account). It is the one
 *   list questioners are picked from and every vote's roll (vote_roll, migration 0009) is copied from. Filled
 *   here from the member accounts, with migration 0009's rule for who votes.
 * - `known_officials`: responding officials (name, title) remembered per organisation and offered next time;
 *   filled from the meetings' 应询人员 and the answers already recorded.
 * - Each meeting's 应询人员 (meeting_officials) gains the answering speakers of its record that were typed
 *   into exchanges but never registered (they showed 0 before).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("roster_members")
    .addColumn("id", "integer", id(db))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    // 1: a 组成人员 who votes; 0: an invited deputy who attends without a vote
    .addColumn("voting", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("user_id", "integer", (c) => c.unique().references("users.id"))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("roster_members_name").on("roster_members").column("name").execute();

  await db.schema
    .createTable("known_officials")
    .addColumn("id", "integer", id(db))
    .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("last_used_at", "text", (c) => c.notNull())
    .addUniqueConstraint("known_officials_once", ["organization_id", "name"])
    .execute();

  const now = new Date().toISOString();
  // the same rule as migration 0009 and isCommitteeMemberTitle(): a 代表 votes only with a committee title
  await sql`insert into roster_members (name, title, voting, user_id, active, sort_order, created_at, updated_at)
    select u.display_name, u.title,
           case when u.title not like '%代表%' or u.title like '%委员%' or u.title like '%主任%' or u.title like '%秘书长%' then 1 else 0 end,
           u.id, u.active, row_number() over (order by u.id), ${now}, ${now}
    from users u where u.role = 'member' order by u.id`.execute(db);

  // answering speakers typed into exchanges become the meeting's 应询人员 (once per meeting, unit and name)
  await sql`insert into meeting_officials (meeting_id, organization_id, name, title, position)
    select s.meeting_id, t.organization_id, t.speaker_name, max(t.speaker_title),
           (select coalesce(max(position), 0) from meeting_officials mo where mo.meeting_id = s.meeting_id) + row_number() over (partition by s.meeting_id order by min(t.id))
    from meeting_turns t
    join meeting_segments s on s.id = t.segment_id
    join organizations o on o.id = t.organization_id and o.kind in ('government', 'department')
    where t.kind in ('answer', 'supplementary') and trim(t.speaker_name) <> ''
      and not exists (select 1 from meeting_officials mo where mo.meeting_id = s.meeting_id and mo.organization_id = t.organization_id and mo.name = t.speaker_name)
    group by s.meeting_id, t.organization_id, t.speaker_name`.execute(db);

  await sql`insert into known_officials (organization_id, name, title, last_used_at)
    select organization_id, name, max(title), ${now} from meeting_officials where trim(name) <> ''
    group by organization_id, name`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("known_officials").execute();
  await db.schema.dropTable("roster_members").execute();
}
