import { sql, type Kysely } from "kysely";
import { id, isPostgres } from "./portable";

/**
 * 满意度测评 as committees take it (issue 14, docs/decisions/0060-secret-votes-and-voting-roll.md):
 *
 * - `vote_roll`: the voting roll of each vote (snapshot taken when it opens): name, title, whether the person
 *   votes (组成人员) or only attends (列席代表), an optional account, present/absent, has voted. Today built from
 *   member accounts; a roster table (组成人员名册) can feed the same rows later.
 * - `vote_counts`: one counter per vote and choice, created together when the vote opens (so neither row order
 *   nor row ids say which choice came first) and incremented in the transaction that marks the voter "has
 *   voted". A secret vote keeps nothing else: no ballot rows, so nothing links a voter to a choice.
 * - `vote_ballots` stays for open (记名) votes only.
 * - `vote_entries`: totals from the 表决器 or paper, entered by one staff account and confirmed by another.
 * - `inquiry_vote_rules`: the pass threshold an inquiry sets (default: 满意 + 基本满意 over half of all
 *   eligible members); each vote copies it when it opens.
 * - `votes` gains method, the copied rule, result, follow-up (re-report) and a version.
 *
 * Existing secret ballots are folded into counters and deleted (with secure_delete on, so their bytes are
 * overwritten in the file).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("votes")
    .addColumn("method", "text", (c) => c.notNull().defaultTo("online")) // online | entered
    .execute();
  for (const [name, type, dflt] of [
    ["pass_basis", "text", "'eligible'"], // eligible | present | cast
    ["pass_num", "integer", "1"],
    ["pass_den", "integer", "2"],
    ["result", "text", null], // passed | not_passed (null while open, and for votes closed before this migration)
    ["followup", "text", null], // re_report when not passed
    ["followup_done_at", "text", null],
    ["followup_done_by", "integer", null],
    ["followup_note", "text", "''"],
    ["closed_by", "integer", null],
    ["version", "integer", "1"],
  ] as const) {
    await sql.raw(`alter table votes add column ${name} ${type}${dflt === null ? "" : ` not null default ${dflt}`}`).execute(db);
  }

  await db.schema
    .createTable("vote_roll")
    .addColumn("id", "integer", id(db))
    .addColumn("vote_id", "integer", (c) => c.notNull().references("votes.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    // 1: a 组成人员 who votes; 0: attends without a vote (列席的人大代表)
    .addColumn("voting", "integer", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("present", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("voted", "integer", (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint("vote_roll_user_once", ["vote_id", "user_id"])
    .execute();

  await db.schema
    .createTable("vote_counts")
    .addColumn("vote_id", "integer", (c) => c.notNull().references("votes.id").onDelete("cascade"))
    .addColumn("choice", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("vote_counts_pk", ["vote_id", "choice"])
    .modifyEnd(isPostgres(db) ? sql`` : sql`without rowid`)
    .execute();

  await db.schema
    .createTable("vote_entries")
    .addColumn("id", "integer", id(db))
    .addColumn("vote_id", "integer", (c) => c.notNull().unique().references("votes.id").onDelete("cascade"))
    .addColumn("source", "text", (c) => c.notNull()) // machine | paper
    .addColumn("satisfied", "integer", (c) => c.notNull())
    .addColumn("basically_satisfied", "integer", (c) => c.notNull())
    .addColumn("unsatisfied", "integer", (c) => c.notNull())
    .addColumn("abstain", "integer", (c) => c.notNull())
    .addColumn("present_count", "integer", (c) => c.notNull())
    .addColumn("entered_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("entered_at", "text", (c) => c.notNull())
    .addColumn("confirmed_by", "integer", (c) => c.references("users.id"))
    .addColumn("confirmed_at", "text")
    .execute();

  await db.schema
    .createTable("inquiry_vote_rules")
    .addColumn("inquiry_id", "integer", (c) => c.primaryKey().references("inquiries.id").onDelete("cascade"))
    .addColumn("basis", "text", (c) => c.notNull())
    .addColumn("num", "integer", (c) => c.notNull())
    .addColumn("den", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // ---- existing votes: counters, a roll (member accounts plus anyone who voted), secret ballots removed ----
  const committee = `(u.title like '%委员%' or u.title like '%主任%' or u.title like '%秘书长%' or u.title not like '%代表%')`;
  const votes = await sql<{ id: number; secret: number }>`select id, secret from votes order by id`.execute(db);
  for (const v of votes.rows) {
    for (const choice of ["satisfied", "basically_satisfied", "unsatisfied", "abstain"]) {
      await sql`insert into vote_counts (vote_id, choice, count)
        values (${v.id}, ${choice}, (select count(*) from vote_ballots where vote_id = ${v.id} and choice = ${choice}))`.execute(db);
    }
    await sql
      .raw(
        `insert into vote_roll (vote_id, position, name, title, voting, user_id, present, voted)
         select ${v.id}, row_number() over (order by u.display_name, u.id), u.display_name, u.title,
                case when exists (select 1 from vote_ballots b where b.vote_id = ${v.id} and b.member_id = u.id) then 1
                     when ${committee} then 1 else 0 end,
                u.id, 1,
                case when exists (select 1 from vote_ballots b where b.vote_id = ${v.id} and b.member_id = u.id) then 1 else 0 end
         from users u
         where (u.role = 'member' and u.active = 1) or u.id in (select member_id from vote_ballots where vote_id = ${v.id})`,
      )
      .execute(db);
  }
  if (isPostgres(db)) {
    await sql`delete from vote_ballots where vote_id in (select id from votes where secret = 1)`.execute(db);
    return;
  }
  const { rows } = await sql<{ secure_delete: number }>`pragma secure_delete`.execute(db);
  await sql`pragma secure_delete = on`.execute(db);
  await sql`delete from vote_ballots where vote_id in (select id from votes where secret = 1)`.execute(db);
  await sql.raw(`pragma secure_delete = ${Number(rows[0]?.secure_delete ?? 0)}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["inquiry_vote_rules", "vote_entries", "vote_counts", "vote_roll"]) await db.schema.dropTable(table).execute();
  for (const column of ["method", "pass_basis", "pass_num", "pass_den", "result", "followup", "followup_done_at", "followup_done_by", "followup_note", "closed_by", "version"]) {
    await db.schema.alterTable("votes").dropColumn(column).execute();
  }
}
