import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../db/schema";
import { createUserSession } from "./auth/session.server";
import { getDb, prepareDatabase } from "./db.server";
import { ROLES } from "./labels";
import {
  can,
  forbidden,
  isStaff,
  navigationFor,
  notFound,
  requirePermission,
  requireRole,
  type Permission,
} from "./policy.server";
import { makeOrganization, makeUser, type TestUser } from "./test/db";

const PERMISSIONS: Permission[] = ["admin:users", "admin:organizations", "admin:audit", "admin:settings", "roster:manage", "inquiry:list", "inquiry:manage", "admin:documents"];

/** The whole matrix, written out: a change to the policy has to change this table too. */
const EXPECTED: Record<Role, Record<Permission, boolean>> = {
  admin: { "admin:users": true, "admin:organizations": true, "admin:audit": true, "admin:settings": true, "roster:manage": true, "inquiry:list": true, "inquiry:manage": true, "admin:documents": true },
  staff: { "admin:users": false, "admin:organizations": false, "admin:audit": false, "admin:settings": false, "roster:manage": true, "inquiry:list": true, "inquiry:manage": true, "admin:documents": false },
  member: { "admin:users": false, "admin:organizations": false, "admin:audit": false, "admin:settings": false, "roster:manage": false, "inquiry:list": true, "inquiry:manage": false, "admin:documents": false },
  department: { "admin:users": false, "admin:organizations": false, "admin:audit": false, "admin:settings": false, "roster:manage": false, "inquiry:list": false, "inquiry:manage": false, "admin:documents": false },
  county: { "admin:users": false, "admin:organizations": false, "admin:audit": false, "admin:settings": false, "roster:manage": false, "inquiry:list": false, "inquiry:manage": false, "admin:documents": false },
};

async function expectThrownResponse(promise: Promise<unknown> | (() => unknown)): Promise<Response> {
  let thrown: unknown;
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(Response);
  return thrown as Response;
}

describe("can()", () => {
  it("covers every role", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
  });

  for (const role of Object.keys(EXPECTED) as Role[]) {
    for (const permission of PERMISSIONS) {
      it(`${role} ${EXPECTED[role][permission] ? "may" : "may not"} ${permission}`, () => {
        expect(can({ role }, permission)).toBe(EXPECTED[role][permission]);
      });
    }
  }

  it("an anonymous visitor may do nothing", () => {
    for (const permission of PERMISSIONS) expect(can(null, permission)).toBe(false);
  });
});

describe("isStaff", () => {
  it("is true for admin and staff only", () => {
    expect(ROLES.filter((role) => isStaff({ role }))).toEqual(["admin", "staff"]);
  });
});

describe("navigationFor", () => {
  const paths = (role: Role | null) => navigationFor(role ? { role } : null).map((item) => item.to);

  it("shows the public page only to anonymous visitors", () => {
    expect(navigationFor(null)).toEqual([{ to: "/public", label: "公开信息" }]);
  });

  it("per role", () => {
    expect(paths("admin")).toEqual(["/", "/queue", "/inquiries", "/insight/recurring", "/insight/annual", "/search", "/roster", "/admin/users", "/admin/organizations", "/admin/audit", "/admin/import", "/admin/settings", "/admin/letters"]);
    expect(paths("staff")).toEqual(["/", "/queue", "/inquiries", "/insight/recurring", "/insight/annual", "/search", "/roster"]);
    expect(paths("member")).toEqual(["/", "/inquiries", "/votes", "/insight/recurring", "/search"]);
    expect(paths("department")).toEqual(["/", "/my", "/insight/recurring", "/search"]);
    expect(paths("county")).toEqual(["/", "/my", "/search"]);
  });

  it("department and county accounts get /my; only admin gets /admin/*; /inquiries only with inquiry:list", () => {
    for (const role of ROLES) {
      expect(paths(role).includes("/inquiries"), role).toBe(can({ role }, "inquiry:list"));
      expect(paths(role).includes("/my"), role).toBe(role === "department" || role === "county");
      expect(paths(role).some((p) => p.startsWith("/admin")), role).toBe(role === "admin");
    }
  });

  it("every item has a Chinese label", () => {
    for (const role of ROLES) {
      for (const item of navigationFor({ role })) expect(item.label).toMatch(/\p{Script=Han}/u);
    }
  });
});

describe("forbidden / notFound", () => {
  it("forbidden() throws a 403 Response with a Chinese plain-text body", async () => {
    const response = await expectThrownResponse(() => forbidden());
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe("您没有权限访问此页面或执行此操作。");
  });

  it("forbidden() carries a custom message", async () => {
    const response = await expectThrownResponse(() => forbidden("只有系统管理员可以查看审计日志。"));
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("只有系统管理员可以查看审计日志。");
  });

  it("notFound() throws a 404 Response with a Chinese body", async () => {
    const response = await expectThrownResponse(() => notFound());
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("您要找的内容不存在或已被删除。");
  });
});

describe("requirePermission / requireRole (against a real database)", () => {
  let dir: string;
  const previousPath = process.env.XUNWEN_DB_PATH;
  const users: Partial<Record<Role, TestUser>> = {};
  const cookies: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "xunwen-policy-"));
    process.env.XUNWEN_DB_PATH = join(dir, "policy.db");
    await prepareDatabase();
    const db = getDb();
    const department = await makeOrganization(db, { name: "市教育局", kind: "department" });
    users.admin = await makeUser(db, { username: "admin", role: "admin" });
    users.member = await makeUser(db, { username: "member", role: "member" });
    users.department = await makeUser(db, { username: "education", role: "department", organizationId: department });
    for (const role of ["admin", "member", "department"] as const) {
      const setCookie = await createUserSession(db, users[role]!.id, new Request("http://localhost/login"), "127.0.0.1");
      cookies[role] = setCookie.split(";")[0];
    }
  });

  afterAll(async () => {
    await getDb().destroy();
    delete (globalThis as { __xunwenDb?: unknown }).__xunwenDb;
    if (previousPath === undefined) delete process.env.XUNWEN_DB_PATH;
    else process.env.XUNWEN_DB_PATH = previousPath;
    await rm(dir, { recursive: true, force: true });
  });

  const request = (path: string, role?: Role) =>
    new Request(`http://localhost${path}`, { headers: role ? { cookie: cookies[role]! } : {} });

  it("redirects a request without a session cookie to /login, keeping where it was going", async () => {
    const response = await expectThrownResponse(requirePermission(request("/admin/users?page=2&q=张"), "admin:users"));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/admin/users?page=2&q=%E5%BC%A0")}`);
  });

  it("redirects for an unknown or malformed session token too", async () => {
    for (const cookie of ["xunwen_session=", "xunwen_session=short", `xunwen_session=${"x".repeat(43)}`, "other=1"]) {
      const response = await expectThrownResponse(
        requirePermission(new Request("http://localhost/inquiries", { headers: { cookie } }), "inquiry:list"),
      );
      expect(response.status, cookie).toBe(302);
      expect(response.headers.get("location")).toBe("/login?redirectTo=%2Finquiries");
    }
  });

  it("returns the signed-in user when the role holds the permission", async () => {
    const user = await requirePermission(request("/admin/users", "admin"), "admin:users");
    expect(user).toMatchObject({ id: users.admin!.id, username: "admin", role: "admin", organizationId: null, organizationName: null });
    const member = await requirePermission(request("/inquiries", "member"), "inquiry:list");
    expect(member.role).toBe("member");
    const liaison = await requireRole(request("/my", "department"), ["department", "county"]);
    expect(liaison).toMatchObject({ role: "department", organizationName: "市教育局" });
  });

  it("answers 403 (not a redirect) to a signed-in user without the permission", async () => {
    const response = await expectThrownResponse(requirePermission(request("/admin/users", "member"), "admin:users"));
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/\p{Script=Han}/u);
    const dept = await expectThrownResponse(requirePermission(request("/inquiries", "department"), "inquiry:list"));
    expect(dept.status).toBe(403);
    const role = await expectThrownResponse(requireRole(request("/my", "admin"), ["department", "county"]));
    expect(role.status).toBe(403);
  });

  it("treats an expired session as signed out", async () => {
    const db = getDb();
    const existing = (await db.selectFrom("sessions").select("id_hash").execute()).map((s) => s.id_hash);
    const setCookie = await createUserSession(db, users.member!.id, new Request("http://localhost/login"), "127.0.0.1");
    await db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id_hash", "not in", existing)
      .execute();
    const response = await expectThrownResponse(
      requirePermission(new Request("http://localhost/inquiries", { headers: { cookie: setCookie.split(";")[0] } }), "inquiry:list"),
    );
    expect(response.status).toBe(302);
  });
});
