import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authenticate } from "../../app/auth/login.server";
import { verifyPassword } from "../../app/auth/password.server";
import { auditSince, breakAuditLog, countRows, createTestDb, snapshot, tableCounts, type TestDb } from "../../app/test/db";
import { DEMO_ORGANIZING_BODY, DEMO_PASSWORD, loadFixture, seedDemo } from "./demo";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

const counts = () => tableCounts(t.db);

/** The demo accounts of the brief: one per role (two department and two county liaisons). */
const CORE_ACCOUNTS = ["admin", "staff", "member", "health", "education", "county", "county2"];

describe("loadFixture", () => {
  it("reads the Jiaozuo 2020 inquiry", () => {
    const fixture = loadFixture();
    expect(fixture.congress).toBe("焦作市人大常委会");
    expect(fixture.meetingDate).toBe("2020-09-22");
    expect(fixture.respondingOrganizations.length).toBeGreaterThan(0);
    expect(fixture.countyCongresses.names).toContain("温县人大常委会");
  });
});

describe("seedDemo", () => {
  it("creates the organisations, one account per demo role and inquiry 1 on a fresh database", async () => {
    const fixture = loadFixture();
    const report = await seedDemo(t.db);
    const expectedOrganizations = fixture.respondingOrganizations.length + fixture.countyCongresses.names.length + 2;
    expect(report).toMatchObject({ organizations: expectedOrganizations, inquiries: 1 });

    const users = await t.db
      .selectFrom("users")
      .leftJoin("organizations", "organizations.id", "users.organization_id")
      .select(["users.username", "users.role", "users.active", "organizations.name as organization", "organizations.kind as kind"])
      .orderBy("users.id")
      .execute();
    // the seven accounts of the early stages, one per demo role, in this order
    expect(users.filter((u) => CORE_ACCOUNTS.includes(u.username))).toEqual([
      { username: "admin", role: "admin", active: 1, organization: null, kind: null },
      { username: "staff", role: "staff", active: 1, organization: DEMO_ORGANIZING_BODY, kind: "congress_office" },
      { username: "member", role: "member", active: 1, organization: DEMO_ORGANIZING_BODY, kind: "congress_office" },
      { username: "health", role: "department", active: 1, organization: "市卫生健康委员会", kind: "department" },
      { username: "education", role: "department", active: 1, organization: "市教育局", kind: "department" },
      { username: "county", role: "county", active: 1, organization: "温县人大常委会", kind: "county_congress" },
      { username: "county2", role: "county", active: 1, organization: "武陟县人大常委会", kind: "county_congress" },
    ]);
    expect(users.slice(0, 7).map((u) => u.username)).toEqual(CORE_ACCOUNTS);
    // later stages may add accounts (e.g. the government's liaison); all of them obey the role/organisation rule
    expect(report.users).toBe(users.length);
    for (const u of users) {
      if (u.role === "department") expect(["government", "department"], u.username).toContain(u.kind);
      if (u.role === "county") expect(u.kind, u.username).toBe("county_congress");
    }

    const organizations = await t.db.selectFrom("organizations").select(["name", "kind", "active"]).execute();
    expect(organizations).toHaveLength(expectedOrganizations);
    expect(organizations).toContainEqual({ name: "市政府", kind: "government", active: 1 });
    expect(organizations).toContainEqual({ name: "市人大常委会办公室", kind: "congress_office", active: 1 });
    expect(new Set(organizations.map((o) => o.name)).size).toBe(organizations.length);
    expect(organizations.filter((o) => o.kind === "county_congress")).toHaveLength(fixture.countyCongresses.names.length);

    const inquiry = await t.db.selectFrom("inquiries").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
    const staff = await t.db.selectFrom("users").select("id").where("username", "=", "staff").executeTakeFirstOrThrow();
    expect(inquiry).toMatchObject({
      id: 1,
      title: "全市脱贫攻坚工作专题询问",
      congress: "焦作市人大常委会",
      meeting_date: "2020-09-22",
      organizing_body: DEMO_ORGANIZING_BODY,
      created_by: staff.id,
    });
    // later stages of the demo move the inquiry on; it is at least at the meeting
    expect(["meeting", "rectification", "closed"]).toContain(inquiry.stage);
    expect(await countRows(t.db, "inquiries")).toBe(1);

    const linked = await t.db
      .selectFrom("inquiry_organizations")
      .innerJoin("organizations", "organizations.id", "inquiry_organizations.organization_id")
      .select("organizations.name")
      .where("inquiry_id", "=", 1)
      .execute();
    expect(linked.map((o) => o.name).sort()).toEqual(fixture.respondingOrganizations.map((o) => o.name).sort());
  });

  it("writes exactly one demo.seed audit entry for the whole load, and nothing else but later-stage seed entries", async () => {
    const report = await seedDemo(t.db);
    const all = await auditSince(t.db, 0);
    // later stages (meeting, …) may add their own demo.seed_* entry; all of them are the system's
    for (const entry of all) expect(entry).toMatchObject({ actor_id: null, actor_label: "系统", action: expect.stringMatching(/^demo\.seed/) });
    const audit = all.filter((a) => a.action === "demo.seed");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: null,
      actor_label: "系统",
      action: "demo.seed",
      entity_type: "inquiry",
      entity_id: "1",
      after: report,
    });
    expect(audit[0].summary.startsWith(`载入演示数据：组织机构 ${report.organizations} 个，账号 ${report.users} 个，专题询问 1 项`)).toBe(true);
  });

  it("gives every demo account the demo password", async () => {
    await seedDemo(t.db);
    const hashes = await t.db.selectFrom("users").select(["username", "password_hash"]).execute();
    expect(hashes.map((h) => h.username)).toEqual(expect.arrayContaining(CORE_ACCOUNTS));
    expect(new Set(hashes.map((h) => h.password_hash)).size).toBe(1);
    expect(await verifyPassword(DEMO_PASSWORD, hashes[0].password_hash)).toBe(true);
    expect(await verifyPassword("wrong-password", hashes[0].password_hash)).toBe(false);
    const login = await authenticate(t.db, { username: "county2", password: DEMO_PASSWORD, ip: "127.0.0.1" });
    expect(login).toMatchObject({ ok: true, label: "武陟县人大常委会联络员（county2）" });
  });

  it("running it again adds nothing: identical counts and an all-zero report, no audit entry", async () => {
    await seedDemo(t.db);
    const afterFirst = await snapshot(t.db);
    const firstCounts = await counts();
    const second = await seedDemo(t.db);
    expect(second).toMatchObject({ organizations: 0, users: 0, inquiries: 0 });
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
    expect(await counts()).toEqual(firstCounts);
    expect(await snapshot(t.db)).toEqual(afterFirst);
  });

  it("fills in only what is missing", async () => {
    await seedDemo(t.db);
    const users = await countRows(t.db, "users");
    await t.db.deleteFrom("users").where("username", "=", "county2").execute();
    const report = await seedDemo(t.db);
    expect(report).toMatchObject({ organizations: 0, users: 1, inquiries: 0 });
    expect(Object.entries(report).filter(([, n]) => n !== 0)).toEqual([["users", 1]]);
    expect(await countRows(t.db, "users")).toBe(users);
  });

  it("loads nothing at all if the audit entry cannot be written", async () => {
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(seedDemo(t.db)).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});
