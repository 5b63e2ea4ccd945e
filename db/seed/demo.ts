import type { Kysely, Transaction } from "kysely";
import { parseRichText } from "../../app/richtext/richtext.server";
import { seedMeeting } from "./meeting";
import { seedOutline } from "./outline";
import { seedRectification } from "./rectification";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { recordAudit, SYSTEM_ACTOR } from "../../app/audit.server";
import { hashPassword } from "../../app/auth/password.server";
import type { Database, OrganizationKind, Role } from "../schema";
import { advanceIdentitySequences } from "../engine";
import { isCommitteeMemberTitle } from "../../app/roster/roster.server";
import { CONGRESS_KEY } from "../../app/settings/settings.server";
import { officialsFromSegment, rememberKnownOfficials } from "../../app/meeting/officials.server";

/**
 * The demo database: the Jiaozuo 2020 poverty-alleviation inquiry (a real one, from the shared fixture) with
 * its organisations and one account per role. Every step looks up what is already there first, so running
 * it again adds nothing twice.
 */
export const DEMO_PASSWORD = "xunwen-demo";

export interface JiaozuoFixture {
  congress: string;
  title: string;
  meetingDate: string;
  legalBasis: string;
  introduction: string;
  preInquiryWork: { kind: string; description: string }[];
  topics: {
    keyword: string;
    headline: string;
    exchanges: {
      questioner: { role: string; name: string };
      question: string;
      responder: { organization: string; title: string; name: string };
      answer: string;
    }[];
  }[];
  closingHeadline: string;
  reporter: string;
  countyCongresses: { names: string[] };
  respondingOrganizations: { name: string; responder: { name: string; title: string } }[];
}

export function loadFixture(): JiaozuoFixture {
  const path = fileURLToPath(new URL("./jiaozuo-2020-poverty-inquiry.json", import.meta.url));
  return JSON.parse(readFileSync(path, "utf8"));
}

export const DEMO_ORGANIZING_BODY = "市人大常委会农业农村工作委员会";

const DEMO_ACCOUNTS: { username: string; displayName: string; role: Role; organization: string | null; title: string }[] = [
  { username: "admin", displayName: "系统管理员", role: "admin", organization: null, title: "信息中心" },
  { username: "staff", displayName: "刘静", role: "staff", organization: DEMO_ORGANIZING_BODY, title: "农业农村工作委员会工作人员" },
  // a member (组成人员) of the organising committee: reads its inquiries (docs/decisions/0031)
  { username: "member", displayName: "马爱国", role: "member", organization: DEMO_ORGANIZING_BODY, title: "市人大常委会委员" },
  { username: "health", displayName: "市卫生健康委员会联络员", role: "department", organization: "市卫生健康委员会", title: "办公室联络员" },
  { username: "education", displayName: "市教育局联络员", role: "department", organization: "市教育局", title: "办公室联络员" },
  { username: "county", displayName: "温县人大常委会联络员", role: "county", organization: "温县人大常委会", title: "办公室联络员" },
  { username: "county2", displayName: "武陟县人大常委会联络员", role: "county", organization: "武陟县人大常委会", title: "办公室联络员" },
];

export interface SeedReport {
  organizations: number;
  users: number;
  inquiries: number;
  research: number;
  delegations: number;
  /** counts added by the later stages' seeds, by what they made (e.g. { questions: 16 }) */
  [more: string]: number;
}

export async function seedDemo(db: Kysely<Database>, fixture: JiaozuoFixture = loadFixture()): Promise<SeedReport> {
  const report: SeedReport = { organizations: 0, users: 0, inquiries: 0, research: 0, delegations: 0 };
  const now = new Date().toISOString();

  const orgs: { name: string; kind: OrganizationKind }[] = [
    ...fixture.respondingOrganizations.map((o) => ({ name: o.name, kind: (o.name === "市政府" ? "government" : "department") as OrganizationKind })),
    ...fixture.countyCongresses.names.map((name) => ({ name, kind: "county_congress" as OrganizationKind })),
    { name: "市人大常委会办公室", kind: "congress_office" },
    { name: DEMO_ORGANIZING_BODY, kind: "congress_office" },
  ];
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  await db.transaction().execute(async (trx) => {
    for (const [index, org] of orgs.entries()) {
      const existing = await trx.selectFrom("organizations").select("id").where("name", "=", org.name).executeTakeFirst();
      if (existing) continue;
      await trx.insertInto("organizations").values({ ...org, sort_order: index + 1, created_at: now, updated_at: now }).execute();
      report.organizations++;
    }
    const orgId = async (name: string | null) =>
      name === null ? null : (await trx.selectFrom("organizations").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;

    for (const account of DEMO_ACCOUNTS) {
      const existing = await trx.selectFrom("users").select("id").where("username", "=", account.username).executeTakeFirst();
      if (existing) continue;
      await trx
        .insertInto("users")
        .values({
          username: account.username,
          display_name: account.displayName,
          role: account.role,
          organization_id: await orgId(account.organization),
          title: account.title,
          password_hash: passwordHash,
          password_changed_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      report.users++;
    }

    // the installation's congress, and its roster: the member accounts and the inquiry's questioners (issue 13)
    const congress = await trx.selectFrom("settings").select("key").where("key", "=", CONGRESS_KEY).executeTakeFirst();
    if (!congress) {
      await trx.insertInto("settings").values({ key: CONGRESS_KEY, value: JSON.stringify({ name: fixture.congress, level: "city", version: 1 }), updated_at: now }).execute();
    }
    // written directly: the load is audited once, as demo.seed
    const people: { name: string; title: string; user_id: number | null }[] = (
      await trx.selectFrom("users").select(["id", "display_name", "title"]).where("role", "=", "member").orderBy("id").execute()
    ).map((u) => ({ name: u.display_name, title: u.title, user_id: u.id }));
    for (const t of fixture.topics) for (const e of t.exchanges) people.push({ name: e.questioner.name, title: e.questioner.role, user_id: null });
    let order = 0;
    for (const p of people) {
      order++;
      const there = await trx
        .selectFrom("roster_members")
        .select("id")
        .where((eb) => (p.user_id === null ? eb("name", "=", p.name) : eb.or([eb("user_id", "=", p.user_id), eb("name", "=", p.name)])))
        .executeTakeFirst();
      if (there) continue;
      await trx
        .insertInto("roster_members")
        .values({ name: p.name, title: p.title, voting: isCommitteeMemberTitle(p.title) ? 1 : 0, user_id: p.user_id, sort_order: order, created_at: now, updated_at: now })
        .execute();
    }

    const inquiry = await trx.selectFrom("inquiries").select("id").where("id", "=", 1).executeTakeFirst();
    if (!inquiry) {
      const staff = await trx.selectFrom("users").select("id").where("username", "=", "staff").executeTakeFirstOrThrow();
      await trx
        .insertInto("inquiries")
        .values({
          id: 1,
          title: "全市脱贫攻坚工作专题询问",
          topic: "全市脱贫攻坚工作",
          congress: fixture.congress,
          session_name: "市十一届人大常委会第十二次会议",
          organizing_body: DEMO_ORGANIZING_BODY,
          meeting_date: fixture.meetingDate,
          legal_basis: `${fixture.legalBasis}第四十七至五十条`,
          notes: "演示数据：根据《焦作日报》2020年9月刊登的询问会摘要整理。",
          stage: "meeting",
          created_by: staff.id,
          // registered when the plan was drafted (the source gives no date; demo assumption)
          created_at: "2020-06-15T01:00:00.000Z",
          updated_at: now,
        })
        .execute();
      // an explicit id: PostgreSQL's identity sequence must move past it before the next inquiry is registered
      await advanceIdentitySequences(trx);
      for (const o of fixture.respondingOrganizations) {
        await trx.insertInto("inquiry_organizations").values({ inquiry_id: 1, organization_id: (await orgId(o.name))! }).execute();
      }
      report.inquiries++;
    }

    await seedPlanResearchSurveys(trx, fixture, report, now);
    // Later stages, each in its own module, in lifecycle order (each finds what the previous one made).
    await seedOutline(trx, fixture, report, now);
    await seedMeeting(trx, fixture, report, now);
    await seedRectification(trx, fixture, report, now);

    if (Object.values(report).some((n) => n > 0)) {
      await recordAudit(trx, SYSTEM_ACTOR, {
        action: "demo.seed",
        entityType: "inquiry",
        entityId: 1,
        summary: `载入演示数据：组织机构 ${report.organizations} 个，账号 ${report.users} 个，专题询问 ${report.inquiries} 项，调研活动 ${report.research} 项，委托调研 ${report.delegations} 项`,
        after: report,
      });
    }
  });
  // the demo meeting's answering officials on its 应询人员 list and remembered for the next meeting (issue 13);
  // only on the first load, so that loading again changes nothing
  if (report.inquiries > 0) await db.transaction().execute(async (trx) => {
    const segments = await trx.selectFrom("meeting_segments").select("id").where("kind", "=", "exchange").execute();
    for (const s of segments) await officialsFromSegment(trx, s.id);
    const officials = await trx.selectFrom("meeting_officials").select(["organization_id", "name", "title"]).execute();
    await rememberKnownOfficials(trx, officials.map((o) => ({ organizationId: o.organization_id, name: o.name, title: o.title })));
  });
  return report;
}

function rich(text: string) {
  const result = parseRichText(text, "plain", { label: "演示文本" });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/**
 * The inquiry's plan (approved by the chairpersons' council), its pre-inquiry research from the fixture,
 * and the delegation to 8 county congresses. The source gives the activities but no dates, places or
 * county names: those are marked as demo assumptions in the texts.
 */
async function seedPlanResearchSurveys(trx: Transaction<Database>, fixture: JiaozuoFixture, report: SeedReport, now: string) {
  const inquiry = await trx.selectFrom("inquiries").select(["id", "plan_status"]).where("id", "=", 1).executeTakeFirst();
  if (!inquiry) return;
  const staff = await trx.selectFrom("users").select(["id", "display_name", "username"]).where("username", "=", "staff").executeTakeFirstOrThrow();
  const staffLabel = `${staff.display_name}（${staff.username}）`;

  if (inquiry.plan_status === "draft") {
    const plan = rich(
      [
        "一、询问主题：全市脱贫攻坚工作。",
        `二、法律依据：${fixture.legalBasis}第四十七条至第五十条。`,
        "三、时间安排：2020年9月下旬，结合市人大常委会会议召开专题询问会。",
        "四、应询单位：市政府及市卫生健康委员会、市脱贫攻坚办、市人力资源和社会保障局、市交通运输局、市水利局、市金融工作局、市住房和城乡建设局、市教育局。",
        "五、会前工作：开展专题调研，召开全市人大系统主题实践活动现场推进会，委托8个县（市）区人大常委会开展调研，梳理问题，形成询问提纲。",
        "（演示数据：根据询问会摘要整理。）",
      ].join("\n"),
    );
    await trx
      .updateTable("inquiries")
      .set({ plan_json: plan.json, plan_text: plan.text, plan_html: plan.html, plan_status: "approved" })
      .where("id", "=", 1)
      .execute();
    await trx
      .insertInto("plan_decisions")
      .values([
        { inquiry_id: 1, action: "submitted", decided_on: null, note: "", plan_html: plan.html, actor_id: staff.id, created_at: "2020-07-01T01:00:00.000Z" },
        {
          inquiry_id: 1,
          action: "approved",
          decided_on: "2020-07-10",
          note: "同意工作方案。（演示数据）",
          plan_html: plan.html,
          actor_id: staff.id,
          created_at: "2020-07-10T08:00:00.000Z",
        },
      ])
      .execute();
  }

  const hasResearch = await trx.selectFrom("research_activities").select("id").where("inquiry_id", "=", 1).executeTakeFirst();
  if (!hasResearch) {
    const activities = [
      { work: fixture.preInquiryWork[0], kind: "专题调研", title: "全市脱贫攻坚工作专题调研", start: "2020-08-03", end: "2020-08-14", places: "各县（市）区（演示数据）" },
      { work: fixture.preInquiryWork[1], kind: "现场推进会", title: "“建功扶贫路·争当出彩人”主题实践活动现场推进会", start: "2020-08-20", end: "2020-08-20", places: "（演示数据）" },
    ];
    for (const a of activities) {
      const findings = rich(`${a.work.description}。\n（活动日期与地点为演示假设，原始材料未载明。）`);
      const row = await trx
        .insertInto("research_activities")
        .values({
          inquiry_id: 1,
          kind: a.kind,
          title: a.title,
          start_date: a.start,
          end_date: a.end,
          places: a.places,
          participants: "市人大常委会组成人员、部分市人大代表",
          findings_json: findings.json,
          findings_text: findings.text,
          findings_html: findings.html,
          created_by: staff.id,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      report.research++;
      if (a.kind === "专题调研") {
        // Problem clues: the concerns the outline later turned into questions (from the fixture's questions).
        for (const text of [
          "防止已脱贫群众返贫的具体措施需进一步落实",
          "健康扶贫“两定制兜底线”和医养中心建设运行情况需关注",
          "产业扶贫项目带贫益贫机制和消费扶贫渠道有待拓展",
          "贫困劳动力稳岗就业受疫情影响较大",
          "农村危房改造质量和动态清零需持续跟踪",
        ]) {
          await trx.insertInto("research_findings").values({ inquiry_id: 1, activity_id: row.id, text, created_by: staff.id, created_at: now }).execute();
        }
      }
    }
  }

  const hasSurvey = await trx.selectFrom("survey_requests").select("id").where("inquiry_id", "=", 1).executeTakeFirst();
  if (!hasSurvey) {
    const brief = rich(`${fixture.preInquiryWork[2].description}。\n请围绕本地脱贫攻坚目标任务完成情况、存在的困难和问题、意见建议形成调研报告。`);
    const request = await trx
      .insertInto("survey_requests")
      .values({
        inquiry_id: 1,
        title: "全市脱贫攻坚工作委托调研",
        due_date: "2020-08-31",
        brief_json: brief.json,
        brief_text: brief.text,
        brief_html: brief.html,
        created_by: staff.id,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The source names no counties; these 8 include the two with demo accounts. One is still overdue,
    // one awaits review, the rest were accepted.
    const plan: { name: string; status: "accepted" | "submitted" | "pending" }[] = [
      { name: "修武县人大常委会", status: "accepted" },
      { name: "博爱县人大常委会", status: "accepted" },
      { name: "武陟县人大常委会", status: "pending" },
      { name: "温县人大常委会", status: "submitted" },
      { name: "沁阳市人大常委会", status: "accepted" },
      { name: "孟州市人大常委会", status: "accepted" },
      { name: "马村区人大常委会", status: "accepted" },
      { name: "山阳区人大常委会", status: "accepted" },
    ];
    for (const d of plan) {
      const org = await trx.selectFrom("organizations").select("id").where("name", "=", d.name).executeTakeFirstOrThrow();
      const county = d.name.replace("人大常委会", "");
      const reportText =
        d.status === "pending"
          ? null
          : rich(`${county}脱贫攻坚工作调研报告（演示数据）\n一、基本情况：……\n二、存在的困难和问题：……\n三、意见建议：……`);
      const row = await trx
        .insertInto("survey_delegations")
        .values({
          request_id: request.id,
          inquiry_id: 1,
          organization_id: org.id,
          status: d.status,
          report_json: reportText?.json ?? "",
          report_text: reportText?.text ?? "",
          report_html: reportText?.html ?? "",
          submitted_at: d.status === "pending" ? null : "2020-08-28T02:00:00.000Z",
          accepted_at: d.status === "accepted" ? "2020-09-02T02:00:00.000Z" : null,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const events: { action: "delegated" | "submitted" | "accepted"; at: string; label: string }[] = [
        { action: "delegated", at: "2020-08-05T02:00:00.000Z", label: staffLabel },
      ];
      if (d.status !== "pending") events.push({ action: "submitted", at: "2020-08-28T02:00:00.000Z", label: `${county}人大常委会` });
      if (d.status === "accepted") events.push({ action: "accepted", at: "2020-09-02T02:00:00.000Z", label: staffLabel });
      for (const e of events) {
        await trx.insertInto("survey_events").values({ delegation_id: row.id, action: e.action, comment: "", actor_id: null, actor_label: e.label, at: e.at }).execute();
      }
      report.delegations++;
    }
  }
}
