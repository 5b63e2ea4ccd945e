import type { KyselyPlugin } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { SYSTEM_ACTOR } from "~/audit.server";
import { verifyPassword } from "~/auth/password.server";
import {
  STRONG_PASSWORD,
  auditSince,
  breakAuditLog,
  createTestDb,
  insertSession,
  lastAuditId,
  makeOrganization,
  makeUser,
  sessionCount,
  snapshot,
  type TestDb,
  type TestUser,
} from "~/test/db";
import { setOrganizationActive } from "./organizations.server";
import {
  changeOwnPassword,
  createAccount,
  createUser,
  getUser,
  listUsers,
  resetPassword,
  roleNeedsOrganization,
  setUserActive,
  updateUser,
} from "./users.server";

const CONFLICT = "已被他人修改";
const NEW_PASSWORD = "Brand-New-Secret-7";

let t: TestDb;
let orgs: { government: number; department: number; department2: number; county: number; office: number };
let admin: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  orgs = {
    government: await makeOrganization(t.db, { name: "市政府", kind: "government" }),
    department: await makeOrganization(t.db, { name: "市教育局", kind: "department" }),
    department2: await makeOrganization(t.db, { name: "市水利局", kind: "department" }),
    county: await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" }),
    office: await makeOrganization(t.db, { name: "市人大常委会办公室", kind: "congress_office" }),
  };
  admin = await makeUser(t.db, { username: "admin", displayName: "系统管理员", role: "admin" });
});
afterEach(async () => {
  await t.cleanup();
});

async function row(id: number) {
  return t.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** Runs a refused operation and checks that it changed nothing at all (no audit entry either). */
async function expectRefusedWithoutChange<R>(operation: () => Promise<R>): Promise<R> {
  const before = await snapshot(t.db);
  const result = await operation();
  expect(result).toMatchObject({ ok: false });
  expect(await snapshot(t.db)).toEqual(before);
  return result;
}

/** Runs an operation and returns it with the audit entries it wrote. */
async function withAudit<R>(operation: () => Promise<R>) {
  const mark = await lastAuditId(t.db);
  const result = await operation();
  return { result, audit: await auditSince(t.db, mark) };
}

const input = (over: Partial<Parameters<typeof createUser>[2]> = {}): Parameters<typeof createUser>[2] => ({
  username: "zhangsan",
  displayName: "张三",
  role: "staff",
  organizationId: null,
  title: "工作人员",
  password: STRONG_PASSWORD,
  ...over,
});

describe("roleNeedsOrganization", () => {
  it("is true for department and county accounts only", () => {
    expect(roleNeedsOrganization("admin")).toBe(false);
    expect(roleNeedsOrganization("staff")).toBe(false);
    expect(roleNeedsOrganization("member")).toBe(false);
    expect(roleNeedsOrganization("department")).toBe(true);
    expect(roleNeedsOrganization("county")).toBe(true);
  });
});

describe("createUser", () => {
  it("creates the account with a lower-case username and a hashed password, audited in the same transaction", async () => {
    const { result, audit } = await withAudit(() =>
      createUser(t.db, admin.actor, input({ username: "  ZhangSan ", role: "department", organizationId: orgs.department })),
    );
    expect(result).toEqual({ ok: true, id: expect.any(Number) });
    if (!result.ok) return;
    const stored = await row(result.id);
    expect(stored).toMatchObject({
      username: "zhangsan",
      display_name: "张三",
      role: "department",
      organization_id: orgs.department,
      title: "工作人员",
      active: 1,
      version: 1,
    });
    expect(stored.password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(STRONG_PASSWORD, stored.password_hash)).toBe(true);
    expect(stored.password_changed_at).toBe(stored.created_at);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.id,
      actor_label: "系统管理员（admin）",
      action: "user.create",
      entity_type: "user",
      entity_id: String(result.id),
      summary: "新建账号「张三（zhangsan）」，角色：应询部门",
      before: null,
      after: { id: result.id, username: "zhangsan", display_name: "张三", role: "department", organization_id: orgs.department, title: "工作人员" },
      ip: admin.actor.ip,
    });
    expect(audit[0].after_json).not.toContain("scrypt");
  });

  it("accepts the system actor (as the create-admin command uses it)", async () => {
    const { result, audit } = await withAudit(() => createUser(t.db, SYSTEM_ACTOR, input({ username: "root2", role: "admin" })));
    expect(result.ok).toBe(true);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: null, actor_label: "系统", ip: "" });
  });

  it("refuses a username already in use, whatever its case", async () => {
    await makeUser(t.db, { username: "lisi", role: "member" });
    const result = await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ username: " LiSi" })));
    expect(result).toEqual({ ok: false, field: "username", message: "该用户名已被使用" });
  });

  it("refuses a weak password (and a password containing the username)", async () => {
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ password: "short" })))).toEqual({
      ok: false,
      field: "password",
      message: "密码至少需要 10 个字符",
    });
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ password: "Zhangsan-2024" })))).toEqual({
      ok: false,
      field: "password",
      message: "密码不能包含用户名",
    });
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ password: "Password123" })))).toMatchObject({
      field: "password",
    });
  });

  it("skips the strength check only when asked to", async () => {
    const result = await createUser(t.db, SYSTEM_ACTOR, input({ password: "weak" }), { skipStrengthCheck: true });
    expect(result.ok).toBe(true);
    if (result.ok) expect(await verifyPassword("weak", (await row(result.id)).password_hash)).toBe(true);
  });

  it("a department account needs a government or department organisation", async () => {
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ role: "department", organizationId: null })))).toEqual({
      ok: false,
      field: "organizationId",
      message: "应询部门账号必须选择所属单位",
    });
    for (const wrong of [orgs.county, orgs.office]) {
      expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ role: "department", organizationId: wrong })))).toEqual({
        ok: false,
        field: "organizationId",
        message: "应询部门账号只能属于人民政府或政府部门",
      });
    }
    expect((await createUser(t.db, admin.actor, input({ username: "gov1", role: "department", organizationId: orgs.government }))).ok).toBe(true);
    expect((await createUser(t.db, admin.actor, input({ username: "dept1", role: "department", organizationId: orgs.department }))).ok).toBe(true);
  });

  it("a county account needs a county_congress organisation", async () => {
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ role: "county", organizationId: null })))).toEqual({
      ok: false,
      field: "organizationId",
      message: "县区人大账号必须选择所属单位",
    });
    for (const wrong of [orgs.government, orgs.department, orgs.office]) {
      expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ role: "county", organizationId: wrong })))).toEqual({
        ok: false,
        field: "organizationId",
        message: "县区人大账号只能属于县区人大常委会",
      });
    }
    expect((await createUser(t.db, admin.actor, input({ username: "county1", role: "county", organizationId: orgs.county }))).ok).toBe(true);
  });

  it("other roles may have an organisation of any kind, or none", async () => {
    expect((await createUser(t.db, admin.actor, input({ username: "s1", role: "staff", organizationId: orgs.office }))).ok).toBe(true);
    expect((await createUser(t.db, admin.actor, input({ username: "m1", role: "member", organizationId: null }))).ok).toBe(true);
  });

  it("refuses an inactive or missing organisation", async () => {
    const org = await t.db.selectFrom("organizations").select("version").where("id", "=", orgs.department2).executeTakeFirstOrThrow();
    expect((await setOrganizationActive(t.db, SYSTEM_ACTOR, { id: orgs.department2, version: org.version, active: false })).ok).toBe(true);
    const message = { ok: false, field: "organizationId", message: "所选单位不存在或已停用" };
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ role: "department", organizationId: orgs.department2 })))).toEqual(message);
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ role: "department", organizationId: 9999 })))).toEqual(message);
    expect(await expectRefusedWithoutChange(() => createUser(t.db, admin.actor, input({ role: "staff", organizationId: orgs.department2 })))).toEqual(message);
  });

  it("creates nothing when the audit entry cannot be written", async () => {
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(createUser(t.db, admin.actor, input())).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("updateUser", () => {
  let dept: TestUser;
  beforeEach(async () => {
    dept = await makeUser(t.db, { username: "liaison", displayName: "联络员", role: "department", organizationId: orgs.department, title: "联络员" });
  });

  const update = (over: Partial<Parameters<typeof updateUser>[2]> = {}): Parameters<typeof updateUser>[2] => ({
    id: dept.id,
    version: 1,
    displayName: "联络员",
    role: "department",
    organizationId: orgs.department,
    title: "联络员",
    ...over,
  });

  it("changes name and title, bumps the version, keeps sessions, audits user.update", async () => {
    await insertSession(t.db, dept.id);
    const { result, audit } = await withAudit(() => updateUser(t.db, admin.actor, update({ displayName: "新名字", title: "副主任" })));
    expect(result).toEqual({ ok: true, id: dept.id });
    expect(await row(dept.id)).toMatchObject({ display_name: "新名字", title: "副主任", version: 2, role: "department" });
    expect(await sessionCount(t.db, dept.id)).toBe(1);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.id,
      action: "user.update",
      entity_type: "user",
      entity_id: String(dept.id),
      summary: "修改账号「liaison」的信息",
      before: { display_name: "联络员", role: "department", organization_id: orgs.department, title: "联络员" },
      after: { display_name: "新名字", role: "department", organization_id: orgs.department, title: "副主任" },
    });
  });

  it("refuses a stale version with a conflict message and changes nothing", async () => {
    expect((await updateUser(t.db, admin.actor, update({ displayName: "第一次" }))).ok).toBe(true);
    await insertSession(t.db, dept.id);
    const result = await expectRefusedWithoutChange(() =>
      updateUser(t.db, admin.actor, update({ version: 1, displayName: "过期的修改", role: "member", organizationId: null })),
    );
    expect(result).toMatchObject({ field: "_form" });
    if (!result.ok) expect(result.message).toContain(CONFLICT);
    expect(await row(dept.id)).toMatchObject({ display_name: "第一次", version: 2 });
  });

  it("refuses a version from the future too", async () => {
    const result = await expectRefusedWithoutChange(() => updateUser(t.db, admin.actor, update({ version: 5 })));
    if (!result.ok) expect(result.message).toContain(CONFLICT);
  });

  it("refuses an unknown account", async () => {
    expect(await expectRefusedWithoutChange(() => updateUser(t.db, admin.actor, update({ id: 9999 })))).toEqual({
      ok: false,
      field: "_form",
      message: "该账号不存在",
    });
  });

  it("a role change ends every session of the account and is audited as user.change_role", async () => {
    await insertSession(t.db, dept.id);
    await insertSession(t.db, dept.id);
    const otherSession = await insertSession(t.db, admin.id);
    const { result, audit } = await withAudit(() => updateUser(t.db, admin.actor, update({ role: "member", organizationId: null })));
    expect(result.ok).toBe(true);
    expect(await row(dept.id)).toMatchObject({ role: "member", organization_id: null, version: 2 });
    expect(await sessionCount(t.db, dept.id)).toBe(0);
    expect(await t.db.selectFrom("sessions").select("id_hash").execute()).toEqual([{ id_hash: otherSession }]);
    // the new member goes on the roster (组成人员名册) in the same transaction
    expect(audit.map((a) => a.action)).toEqual(["user.change_role", "roster.create"]);
    expect(audit[0]).toMatchObject({
      action: "user.change_role",
      summary: "账号「liaison」角色由应询部门改为委员/代表",
      before: { role: "department", organization_id: orgs.department },
      after: { role: "member", organization_id: null },
    });
  });

  it("an organisation change ends the account's sessions too", async () => {
    await insertSession(t.db, dept.id);
    const { result, audit } = await withAudit(() => updateUser(t.db, admin.actor, update({ organizationId: orgs.department2 })));
    expect(result.ok).toBe(true);
    expect(await row(dept.id)).toMatchObject({ organization_id: orgs.department2 });
    expect(await sessionCount(t.db, dept.id)).toBe(0);
    expect(audit.map((a) => a.action)).toEqual(["user.update"]);
  });

  it("refuses a role/organisation combination the role does not allow, changing nothing", async () => {
    await insertSession(t.db, dept.id);
    expect(await expectRefusedWithoutChange(() => updateUser(t.db, admin.actor, update({ role: "county", organizationId: orgs.department })))).toMatchObject({
      field: "organizationId",
      message: "县区人大账号只能属于县区人大常委会",
    });
    expect(await expectRefusedWithoutChange(() => updateUser(t.db, admin.actor, update({ organizationId: null })))).toMatchObject({
      field: "organizationId",
    });
    expect(await sessionCount(t.db, dept.id)).toBe(1);
  });

  it("an administrator cannot change their own role", async () => {
    const result = await expectRefusedWithoutChange(() =>
      updateUser(t.db, admin.actor, { id: admin.id, version: 1, displayName: "系统管理员", role: "staff", organizationId: null, title: "" }),
    );
    expect(result).toEqual({ ok: false, field: "role", message: "不能修改自己的角色" });
    // but may edit their own name
    expect((await updateUser(t.db, admin.actor, { id: admin.id, version: 1, displayName: "管理员甲", role: "admin", organizationId: null, title: "" })).ok).toBe(true);
  });

  it("changes nothing (sessions included) when the audit entry cannot be written", async () => {
    await insertSession(t.db, dept.id);
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(updateUser(t.db, admin.actor, update({ role: "member", organizationId: null }))).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("setUserActive", () => {
  let staff: TestUser;
  beforeEach(async () => {
    staff = await makeUser(t.db, { username: "staff1", displayName: "刘静", role: "staff" });
  });

  it("deactivating ends every session, bumps the version and is audited", async () => {
    await insertSession(t.db, staff.id);
    await insertSession(t.db, staff.id);
    const { result, audit } = await withAudit(() => setUserActive(t.db, admin.actor, { id: staff.id, version: 1, active: false }));
    expect(result).toEqual({ ok: true, id: staff.id });
    expect(await row(staff.id)).toMatchObject({ active: 0, version: 2 });
    expect(await sessionCount(t.db, staff.id)).toBe(0);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.id,
      action: "user.deactivate",
      entity_type: "user",
      entity_id: String(staff.id),
      summary: "停用账号「刘静（staff1）」",
      before: { active: 1 },
      after: { active: 0 },
    });
  });

  it("activating again is audited as user.activate", async () => {
    expect((await setUserActive(t.db, admin.actor, { id: staff.id, version: 1, active: false })).ok).toBe(true);
    const { result, audit } = await withAudit(() => setUserActive(t.db, admin.actor, { id: staff.id, version: 2, active: true }));
    expect(result.ok).toBe(true);
    expect(await row(staff.id)).toMatchObject({ active: 1, version: 3 });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "user.activate", summary: "启用账号「刘静（staff1）」", before: { active: 0 }, after: { active: 1 } });
  });

  it("nobody can deactivate their own account", async () => {
    await insertSession(t.db, admin.id);
    expect(await expectRefusedWithoutChange(() => setUserActive(t.db, admin.actor, { id: admin.id, version: 1, active: false }))).toEqual({
      ok: false,
      field: "_form",
      message: "不能停用自己的账号",
    });
    expect(await sessionCount(t.db, admin.id)).toBe(1);
  });

  it("refuses a stale version and an unknown account", async () => {
    await insertSession(t.db, staff.id);
    const stale = await expectRefusedWithoutChange(() => setUserActive(t.db, admin.actor, { id: staff.id, version: 7, active: false }));
    if (!stale.ok) expect(stale.message).toContain(CONFLICT);
    expect(await sessionCount(t.db, staff.id)).toBe(1);
    expect(await expectRefusedWithoutChange(() => setUserActive(t.db, admin.actor, { id: 9999, version: 1, active: false }))).toMatchObject({
      message: "该账号不存在",
    });
  });

  it("cannot activate an account whose organisation is inactive", async () => {
    const liaison = await makeUser(t.db, { username: "liaison2", role: "department", organizationId: orgs.department2 });
    expect((await setUserActive(t.db, admin.actor, { id: liaison.id, version: 1, active: false })).ok).toBe(true);
    expect((await setOrganizationActive(t.db, admin.actor, { id: orgs.department2, version: 1, active: false })).ok).toBe(true);
    expect(await expectRefusedWithoutChange(() => setUserActive(t.db, admin.actor, { id: liaison.id, version: 2, active: true }))).toEqual({
      ok: false,
      field: "_form",
      message: "该账号所属单位已停用，请先启用单位或调整所属单位",
    });
  });

  it("changes nothing (sessions included) when the audit entry cannot be written", async () => {
    await insertSession(t.db, staff.id);
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(setUserActive(t.db, admin.actor, { id: staff.id, version: 1, active: false })).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("resetPassword", () => {
  let member: TestUser;
  beforeEach(async () => {
    member = await makeUser(t.db, { username: "member1", displayName: "马爱国", role: "member" });
  });

  it("refuses a weak password, or one containing the username, changing nothing", async () => {
    await insertSession(t.db, member.id);
    expect(await expectRefusedWithoutChange(() => resetPassword(t.db, admin.actor, { id: member.id, version: 1, password: "abc" }))).toEqual({
      ok: false,
      field: "password",
      message: "密码至少需要 10 个字符",
    });
    expect(
      await expectRefusedWithoutChange(() => resetPassword(t.db, admin.actor, { id: member.id, version: 1, password: "Member1-Secret" })),
    ).toMatchObject({ field: "password", message: "密码不能包含用户名" });
    expect(await verifyPassword(member.password, (await row(member.id)).password_hash)).toBe(true);
    expect(await sessionCount(t.db, member.id)).toBe(1);
  });

  it("refuses a stale version and an unknown account, changing nothing", async () => {
    await insertSession(t.db, member.id);
    const stale = await expectRefusedWithoutChange(() => resetPassword(t.db, admin.actor, { id: member.id, version: 2, password: NEW_PASSWORD }));
    if (!stale.ok) expect(stale.message).toContain(CONFLICT);
    expect(await expectRefusedWithoutChange(() => resetPassword(t.db, admin.actor, { id: 9999, version: 1, password: NEW_PASSWORD }))).toMatchObject({
      message: "该账号不存在",
    });
  });

  it("sets a strong password: the old one stops working, every session ends, audited without the secret", async () => {
    await insertSession(t.db, member.id);
    await insertSession(t.db, member.id);
    const before = await row(member.id);
    await new Promise((r) => setTimeout(r, 5)); // so password_changed_at visibly moves
    const { result, audit } = await withAudit(() => resetPassword(t.db, admin.actor, { id: member.id, version: 1, password: NEW_PASSWORD }));
    expect(result).toEqual({ ok: true, id: member.id });
    const after = await row(member.id);
    expect(after.version).toBe(2);
    expect(after.password_changed_at > before.password_changed_at).toBe(true);
    expect(await verifyPassword(NEW_PASSWORD, after.password_hash)).toBe(true);
    expect(await verifyPassword(member.password, after.password_hash)).toBe(false);
    expect(await sessionCount(t.db, member.id)).toBe(0);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.id,
      action: "user.reset_password",
      entity_type: "user",
      entity_id: String(member.id),
      summary: "重置账号「member1」的密码（须在下次登录时修改），并使其在所有设备上退出登录",
      before_json: null,
      after_json: null,
    });
    expect(JSON.stringify(audit[0])).not.toContain(NEW_PASSWORD);
  });

  it("changes nothing when the audit entry cannot be written", async () => {
    await insertSession(t.db, member.id);
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(resetPassword(t.db, admin.actor, { id: member.id, version: 1, password: NEW_PASSWORD })).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("changeOwnPassword", () => {
  let member: TestUser;
  beforeEach(async () => {
    member = await makeUser(t.db, { username: "member2", displayName: "李明", role: "member" });
  });

  it("refuses a wrong current password, changing nothing", async () => {
    await insertSession(t.db, member.id);
    expect(
      await expectRefusedWithoutChange(() =>
        changeOwnPassword(t.db, member.actor, { userId: member.id, currentPassword: "Not-My-Password-1", newPassword: NEW_PASSWORD }),
      ),
    ).toEqual({ ok: false, field: "currentPassword", message: "当前密码不正确" });
  });

  it("refuses a weak new password, changing nothing", async () => {
    expect(
      await expectRefusedWithoutChange(() =>
        changeOwnPassword(t.db, member.actor, { userId: member.id, currentPassword: member.password, newPassword: "weakweakweak" }),
      ),
    ).toMatchObject({ ok: false, field: "newPassword" });
  });

  it("refuses an unknown account", async () => {
    expect(
      await expectRefusedWithoutChange(() =>
        changeOwnPassword(t.db, member.actor, { userId: 9999, currentPassword: member.password, newPassword: NEW_PASSWORD }),
      ),
    ).toMatchObject({ message: "该账号不存在" });
  });

  it("changes the password, ends every session and audits user.change_password as the user", async () => {
    await insertSession(t.db, member.id);
    const { result, audit } = await withAudit(() =>
      changeOwnPassword(t.db, member.actor, { userId: member.id, currentPassword: member.password, newPassword: NEW_PASSWORD }),
    );
    expect(result).toEqual({ ok: true, id: member.id });
    const after = await row(member.id);
    expect(after.version).toBe(2);
    expect(await verifyPassword(NEW_PASSWORD, after.password_hash)).toBe(true);
    expect(await verifyPassword(member.password, after.password_hash)).toBe(false);
    expect(await sessionCount(t.db, member.id)).toBe(0);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: member.id,
      actor_label: "李明（member2）",
      action: "user.change_password",
      entity_id: String(member.id),
      summary: "修改本人密码，并在所有设备上退出登录",
    });
  });

  // KNOWN BUG (reported, left failing on purpose): changeOwnPassword reads the row (and its version)
  // before the two scrypt calls and outside its transaction, then writes `version: <that version> + 1`.
  // An edit saved in between is not detected, and the version goes *backwards*, so an editor still holding
  // an older version can later overwrite newer data without a conflict.
  it("keeps the version increasing when the account is edited while the password change is hashing", async () => {
    const elsewhere = openDatabase(t.path); // another request/process, on its own connection
    try {
      let interleaved = false;
      const editInBetween: KyselyPlugin = {
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          if (!interleaved) {
            interleaved = true; // right after changeOwnPassword's first read
            expect((await updateUser(elsewhere, admin.actor, { id: member.id, version: 1, displayName: "李明一", role: "member", organizationId: null, title: "" })).ok).toBe(true);
            expect((await updateUser(elsewhere, admin.actor, { id: member.id, version: 2, displayName: "李明二", role: "member", organizationId: null, title: "" })).ok).toBe(true);
          }
          return args.result;
        },
      };
      const result = await changeOwnPassword(t.db.withPlugin(editInBetween), member.actor, {
        userId: member.id,
        currentPassword: member.password,
        newPassword: NEW_PASSWORD,
      });
      expect(interleaved).toBe(true);
      expect(result.ok).toBe(true);
      const after = await row(member.id);
      expect(after.display_name).toBe("李明二");
      // three saves since version 1
      expect(after.version).toBe(4);
    } finally {
      await elsewhere.destroy();
    }
  });

  it("changes nothing when the audit entry cannot be written", async () => {
    await insertSession(t.db, member.id);
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(
      changeOwnPassword(t.db, member.actor, { userId: member.id, currentPassword: member.password, newPassword: NEW_PASSWORD }),
    ).rejects.toThrow(/audit log unavailable/);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("listUsers / getUser", () => {
  it("filters by role, organisation and a search string, and pages", async () => {
    const a = await makeUser(t.db, { username: "county_a", displayName: "温县联络员", role: "county", organizationId: orgs.county });
    await makeUser(t.db, { username: "dept_b", displayName: "教育局联络员", role: "department", organizationId: orgs.department });
    const all = await listUsers(t.db, { page: 1, pageSize: 10 });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.username)).toEqual(["admin", "county_a", "dept_b"]);
    const county = await listUsers(t.db, { role: "county", page: 1, pageSize: 10 });
    expect(county).toEqual({ total: 1, rows: [expect.objectContaining({ id: a.id, organization_name: "温县人大常委会" })] });
    expect((await listUsers(t.db, { organizationId: orgs.department, page: 1, pageSize: 10 })).rows.map((r) => r.username)).toEqual(["dept_b"]);
    expect((await listUsers(t.db, { q: "COUNTY", page: 1, pageSize: 10 })).rows.map((r) => r.username)).toEqual(["county_a"]);
    expect((await listUsers(t.db, { q: "教育局", page: 1, pageSize: 10 })).rows.map((r) => r.username)).toEqual(["dept_b"]);
    // wildcard characters are matched literally
    expect((await listUsers(t.db, { q: "%", page: 1, pageSize: 10 })).total).toBe(0);
    expect((await listUsers(t.db, { q: "_", page: 1, pageSize: 10 })).rows.map((r) => r.username)).toEqual(["county_a", "dept_b"]);
    const page2 = await listUsers(t.db, { page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ total: 3, rows: [expect.objectContaining({ username: "dept_b" })] });
  });

  it("getUser returns the account with its organisation name and never the password hash", async () => {
    const a = await makeUser(t.db, { username: "county_c", role: "county", organizationId: orgs.county });
    const user = await getUser(t.db, a.id);
    expect(user).toMatchObject({ id: a.id, username: "county_c", organization_name: "温县人大常委会", version: 1 });
    expect(user).not.toHaveProperty("password_hash");
    expect(await getUser(t.db, 9999)).toBeUndefined();
  });
});

describe("initial passwords (issue 13, docs/decisions/0152)", () => {
  it("an account the admin creates gets a one-time initial password: returned once, stored hashed, never logged, to be changed at first sign-in", async () => {
    const { result, audit } = await withAudit(() => createAccount(t.db, admin.actor, { username: " WangWu ", displayName: "王五", role: "department", organizationId: orgs.department, title: "" }));
    expect(result).toEqual({ ok: true, id: expect.any(Number), username: "wangwu", password: expect.stringMatching(/^[a-z]{4}-[A-Z]{4}-[2-9]{4}$/) });
    if (!result.ok) return;
    const stored = await row(result.id);
    expect(stored.must_change_password).toBe(1);
    expect(await verifyPassword(result.password, stored.password_hash)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(result.password);
    // the person changes it: the mark goes
    expect((await changeOwnPassword(t.db, admin.actor, { userId: result.id, currentPassword: result.password, newPassword: NEW_PASSWORD })).ok).toBe(true);
    expect((await row(result.id)).must_change_password).toBe(0);
    // an admin's reset is again a password someone else knows: changed at the next sign-in
    expect((await resetPassword(t.db, admin.actor, { id: result.id, version: (await row(result.id)).version, password: "Reset-By-Admin-42" })).ok).toBe(true);
    expect((await row(result.id)).must_change_password).toBe(1);
  });

  it("a refused account gets no password and changes nothing", async () => {
    await createAccount(t.db, admin.actor, { username: "taken", displayName: "甲", role: "staff", organizationId: null, title: "" });
    expect(await expectRefusedWithoutChange(() => createAccount(t.db, admin.actor, { username: "TAKEN", displayName: "乙", role: "staff", organizationId: null, title: "" }))).toEqual({
      ok: false,
      field: "username",
      message: "该用户名已被使用",
    });
  });

  it("accounts created by their own password (the create-admin command, tests) are not asked to change it", async () => {
    const result = await createUser(t.db, SYSTEM_ACTOR, input({ username: "root3", role: "admin" }));
    expect(result.ok && (await row(result.id)).must_change_password).toBe(0);
  });
});
