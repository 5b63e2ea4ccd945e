import type { Kysely } from "kysely";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { recordAudit, SYSTEM_ACTOR } from "../../app/audit.server";
import { hashPassword } from "../../app/auth/password.server";
import type { Database, OrganizationKind, Role } from "../schema";

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
  { username: "member", displayName: "马爱国", role: "member", organization: null, title: "市人大常委会委员" },
  { username: "health", displayName: "市卫生健康委员会联络员", role: "department", organization: "市卫生健康委员会", title: "办公室联络员" },
  { username: "education", displayName: "市教育局联络员", role: "department", organization: "市教育局", title: "办公室联络员" },
  { username: "county", displayName: "温县人大常委会联络员", role: "county", organization: "温县人大常委会", title: "办公室联络员" },
  { username: "county2", displayName: "武陟县人大常委会联络员", role: "county", organization: "武陟县人大常委会", title: "办公室联络员" },
];

export interface SeedReport {
  organizations: number;
  users: number;
  inquiries: number;
}

export async function seedDemo(db: Kysely<Database>, fixture: JiaozuoFixture = loadFixture()): Promise<SeedReport> {
  const report: SeedReport = { organizations: 0, users: 0, inquiries: 0 };
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
          created_at: now,
          updated_at: now,
        })
        .execute();
      for (const o of fixture.respondingOrganizations) {
        await trx.insertInto("inquiry_organizations").values({ inquiry_id: 1, organization_id: (await orgId(o.name))! }).execute();
      }
      report.inquiries++;
    }

    if (report.organizations + report.users + report.inquiries > 0) {
      await recordAudit(trx, SYSTEM_ACTOR, {
        action: "demo.seed",
        entityType: "inquiry",
        entityId: 1,
        summary: `载入演示数据：组织机构 ${report.organizations} 个，账号 ${report.users} 个，专题询问 ${report.inquiries} 项`,
        after: report,
      });
    }
  });
  return report;
}
