import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "~/audit.server";
import {
  auditSince,
  breakAuditLog,
  createTestDb,
  lastAuditId,
  makeOrganization,
  makeUser,
  snapshot,
  type TestDb,
  type TestUser,
} from "~/test/db";
import {
  createOrganization,
  getOrganization,
  listOrganizations,
  setOrganizationActive,
  updateOrganization,
} from "./organizations.server";
import { setUserActive, updateUser } from "./users.server";

const CONFLICT = "该组织机构已被他人修改，请刷新页面查看最新内容后再修改。";

let t: TestDb;
let admin: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  admin = await makeUser(t.db, { username: "admin", displayName: "系统管理员", role: "admin" });
});
afterEach(async () => {
  await t.cleanup();
});

async function expectRefusedWithoutChange<R>(operation: () => Promise<R>): Promise<R> {
  const before = await snapshot(t.db);
  const result = await operation();
  expect(result).toMatchObject({ ok: false });
  expect(await snapshot(t.db)).toEqual(before);
  return result;
}

async function withAudit<R>(operation: () => Promise<R>) {
  const mark = await lastAuditId(t.db);
  const result = await operation();
  return { result, audit: await auditSince(t.db, mark) };
}

describe("createOrganization", () => {
  it("creates it active at version 1, sorted after the others, audited as organization.create", async () => {
    const first = await createOrganization(t.db, admin.actor, { name: "市教育局", kind: "department" });
    const { result, audit } = await withAudit(() => createOrganization(t.db, admin.actor, { name: "温县人大常委会", kind: "county_congress" }));
    expect(result).toEqual({ ok: true, id: expect.any(Number) });
    if (!result.ok || !first.ok) return;
    expect(await getOrganization(t.db, first.id)).toMatchObject({ name: "市教育局", sort_order: 1 });
    const org = await getOrganization(t.db, result.id);
    expect(org).toMatchObject({ name: "温县人大常委会", kind: "county_congress", active: 1, version: 1, sort_order: 2 });
    expect(org!.created_at).toBe(org!.updated_at);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.id,
      actor_label: "系统管理员（admin）",
      action: "organization.create",
      entity_type: "organization",
      entity_id: String(result.id),
      summary: "新建组织机构「温县人大常委会」",
      before: null,
      after: { id: result.id, name: "温县人大常委会", kind: "county_congress" },
    });
  });

  it("refuses a duplicate name, changing nothing", async () => {
    await makeOrganization(t.db, { name: "市水利局", kind: "department" });
    expect(await expectRefusedWithoutChange(() => createOrganization(t.db, admin.actor, { name: "市水利局", kind: "government" }))).toEqual({
      ok: false,
      field: "name",
      message: "已有同名的组织机构",
    });
  });

  it("refuses a duplicate name of an inactive organisation too", async () => {
    const id = await makeOrganization(t.db, { name: "市旧局", kind: "department" });
    expect((await setOrganizationActive(t.db, admin.actor, { id, version: 1, active: false })).ok).toBe(true);
    await expectRefusedWithoutChange(() => createOrganization(t.db, admin.actor, { name: "市旧局", kind: "department" }));
  });

  it("creates nothing when the audit entry cannot be written", async () => {
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(createOrganization(t.db, admin.actor, { name: "市交通运输局", kind: "department" })).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("updateOrganization", () => {
  let id: number;
  beforeEach(async () => {
    id = await makeOrganization(t.db, { name: "市卫生局", kind: "department" });
  });

  it("renames, bumps the version and audits the old and new name", async () => {
    const { result, audit } = await withAudit(() => updateOrganization(t.db, admin.actor, { id, version: 1, name: "市卫生健康委员会", kind: "department" }));
    expect(result).toEqual({ ok: true, id });
    expect(await getOrganization(t.db, id)).toMatchObject({ name: "市卫生健康委员会", version: 2 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "organization.update",
      entity_type: "organization",
      entity_id: String(id),
      summary: "组织机构「市卫生局」更名为「市卫生健康委员会」",
      before: { name: "市卫生局", kind: "department" },
      after: { name: "市卫生健康委员会", kind: "department" },
    });
  });

  it("keeping the name and changing the kind is audited as a modification", async () => {
    const { result, audit } = await withAudit(() => updateOrganization(t.db, admin.actor, { id, version: 1, name: "市卫生局", kind: "government" }));
    expect(result.ok).toBe(true);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ summary: "修改组织机构「市卫生局」", after: { kind: "government" } });
  });

  it("refuses a stale version, changing nothing", async () => {
    expect((await updateOrganization(t.db, admin.actor, { id, version: 1, name: "市卫生委", kind: "department" })).ok).toBe(true);
    expect(await expectRefusedWithoutChange(() => updateOrganization(t.db, admin.actor, { id, version: 1, name: "过期名称", kind: "department" }))).toEqual({
      ok: false,
      field: "_form",
      message: CONFLICT,
    });
    expect(await getOrganization(t.db, id)).toMatchObject({ name: "市卫生委", version: 2 });
  });

  it("refuses another organisation's name, but accepts its own", async () => {
    await makeOrganization(t.db, { name: "市教育局", kind: "department" });
    expect(await expectRefusedWithoutChange(() => updateOrganization(t.db, admin.actor, { id, version: 1, name: "市教育局", kind: "department" }))).toEqual({
      ok: false,
      field: "name",
      message: "已有同名的组织机构",
    });
    expect((await updateOrganization(t.db, admin.actor, { id, version: 1, name: "市卫生局", kind: "department" })).ok).toBe(true);
  });

  it("refuses an unknown organisation", async () => {
    expect(await expectRefusedWithoutChange(() => updateOrganization(t.db, admin.actor, { id: 9999, version: 1, name: "无", kind: "department" }))).toEqual({
      ok: false,
      field: "_form",
      message: "该组织机构不存在",
    });
  });

  // KNOWN BUG (reported, left failing on purpose): createUser/updateUser only let a department account
  // belong to a government/department organisation and a county account to a county_congress one, but
  // updateOrganization changes the kind freely. The account is then in an organisation its role may not
  // belong to, and any later edit of it (even of its display name) is refused by updateUser.
  it("refuses a kind change that would leave accounts in an organisation their role may not belong to", async () => {
    const liaison = await makeUser(t.db, { username: "liaison", role: "department", organizationId: id });
    await expectRefusedWithoutChange(() => updateOrganization(t.db, admin.actor, { id, version: 1, name: "市卫生局", kind: "county_congress" }));
    // and the account stays editable
    expect(
      (await updateUser(t.db, admin.actor, { id: liaison.id, version: 1, displayName: "新名字", role: "department", organizationId: id, title: "" })).ok,
    ).toBe(true);
  });

  it("changes nothing when the audit entry cannot be written", async () => {
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(updateOrganization(t.db, admin.actor, { id, version: 1, name: "新名称", kind: "department" })).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("setOrganizationActive", () => {
  let id: number;
  beforeEach(async () => {
    id = await makeOrganization(t.db, { name: "市金融工作局", kind: "department" });
  });

  it("deactivates an organisation without active accounts, audited as organization.deactivate", async () => {
    const { result, audit } = await withAudit(() => setOrganizationActive(t.db, admin.actor, { id, version: 1, active: false }));
    expect(result).toEqual({ ok: true, id });
    expect(await getOrganization(t.db, id)).toMatchObject({ active: 0, version: 2 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.id,
      action: "organization.deactivate",
      entity_type: "organization",
      entity_id: String(id),
      summary: "停用组织机构「市金融工作局」",
      before: { active: 1 },
      after: { active: 0 },
    });
  });

  it("activates it again, audited as organization.activate", async () => {
    expect((await setOrganizationActive(t.db, admin.actor, { id, version: 1, active: false })).ok).toBe(true);
    const { result, audit } = await withAudit(() => setOrganizationActive(t.db, admin.actor, { id, version: 2, active: true }));
    expect(result.ok).toBe(true);
    expect(await getOrganization(t.db, id)).toMatchObject({ active: 1, version: 3 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "organization.activate", summary: "启用组织机构「市金融工作局」", before: { active: 0 }, after: { active: 1 } });
  });

  it("refuses to deactivate while active accounts belong to it, naming how many", async () => {
    const a = await makeUser(t.db, { username: "fin1", role: "department", organizationId: id });
    await makeUser(t.db, { username: "fin2", role: "department", organizationId: id });
    expect(await expectRefusedWithoutChange(() => setOrganizationActive(t.db, admin.actor, { id, version: 1, active: false }))).toEqual({
      ok: false,
      field: "_form",
      message: "「市金融工作局」还有 2 个启用的账号，请先停用或调整这些账号。",
    });
    expect((await setUserActive(t.db, admin.actor, { id: a.id, version: 1, active: false })).ok).toBe(true);
    const again = await expectRefusedWithoutChange(() => setOrganizationActive(t.db, admin.actor, { id, version: 1, active: false }));
    if (!again.ok) expect(again.message).toContain("还有 1 个启用的账号");
  });

  it("inactive accounts do not block deactivation", async () => {
    const a = await makeUser(t.db, { username: "fin3", role: "department", organizationId: id });
    expect((await setUserActive(t.db, admin.actor, { id: a.id, version: 1, active: false })).ok).toBe(true);
    expect((await setOrganizationActive(t.db, admin.actor, { id, version: 1, active: false })).ok).toBe(true);
  });

  it("refuses a stale version and an unknown organisation", async () => {
    expect(await expectRefusedWithoutChange(() => setOrganizationActive(t.db, admin.actor, { id, version: 3, active: false }))).toEqual({
      ok: false,
      field: "_form",
      message: CONFLICT,
    });
    expect(await expectRefusedWithoutChange(() => setOrganizationActive(t.db, admin.actor, { id: 9999, version: 1, active: false }))).toMatchObject({
      message: "该组织机构不存在",
    });
  });

  it("changes nothing when the audit entry cannot be written", async () => {
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(setOrganizationActive(t.db, admin.actor, { id, version: 1, active: false })).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("listOrganizations", () => {
  it("lists active ones by kind, then sort order; inactive ones only on request", async () => {
    const dept = await makeOrganization(t.db, { name: "市教育局", kind: "department" });
    const county = await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" });
    const gov = await makeOrganization(t.db, { name: "市政府", kind: "government" });
    const old = await makeOrganization(t.db, { name: "市旧局", kind: "department" });
    expect((await setOrganizationActive(t.db, SYSTEM_ACTOR, { id: old, version: 1, active: false })).ok).toBe(true);
    expect((await listOrganizations(t.db)).map((o) => o.id)).toEqual([county, dept, gov]);
    expect((await listOrganizations(t.db, { includeInactive: true })).map((o) => o.id)).toEqual([county, dept, old, gov]);
    expect((await listOrganizations(t.db, { kind: "department", includeInactive: true })).map((o) => o.name)).toEqual(["市教育局", "市旧局"]);
  });
});
