import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setUserActive } from "~/admin/users.server";
import { SYSTEM_ACTOR } from "~/audit.server";
import {
  auditSince,
  breakAuditLog,
  countRows,
  createTestDb,
  lastAuditId,
  makeUser,
  snapshot,
  type TestDb,
  type TestUser,
} from "~/test/db";
import { authenticate, normalizeUsername } from "./login.server";
import { recordLoginAttempt } from "./throttle.server";

const IP = "198.51.100.20";
const OTHER_IP = "203.0.113.77";

let t: TestDb;
let alice: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  alice = await makeUser(t.db, { username: "alice", displayName: "王丽", role: "staff" });
});
afterEach(async () => {
  await t.cleanup();
});

async function attempts() {
  return t.db.selectFrom("login_attempts").select(["username", "ip", "success"]).orderBy("id").execute();
}

describe("normalizeUsername", () => {
  it("trims and lower-cases", () => {
    expect(normalizeUsername("  Alice \t")).toBe("alice");
    expect(normalizeUsername("ZHANG.San")).toBe("zhang.san");
  });
});

describe("authenticate", () => {
  it("accepts the right password, counts the attempt and audits auth.login in one go", async () => {
    const mark = await lastAuditId(t.db);
    const result = await authenticate(t.db, { username: "alice", password: alice.password, ip: IP });
    expect(result).toEqual({ ok: true, userId: alice.id, label: "王丽（alice）" });
    expect(await attempts()).toEqual([{ username: "alice", ip: IP, success: 1 }]);
    const audit = await auditSince(t.db, mark);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: alice.id,
      actor_label: "王丽（alice）",
      action: "auth.login",
      entity_type: "session",
      entity_id: String(alice.id),
      summary: "登录成功",
      before_json: null,
      after_json: null,
      ip: IP,
    });
  });

  it("normalises the username it is given", async () => {
    const result = await authenticate(t.db, { username: "  ALICE ", password: alice.password, ip: IP });
    expect(result.ok).toBe(true);
    expect(await attempts()).toEqual([{ username: "alice", ip: IP, success: 1 }]);
  });

  it("refuses a wrong password with a generic message, counts and audits auth.login_failed", async () => {
    const mark = await lastAuditId(t.db);
    const result = await authenticate(t.db, { username: "alice", password: "Wrong-Password-1", ip: IP });
    expect(result).toEqual({ ok: false, reason: "invalid", message: "用户名或密码错误。" });
    expect(await attempts()).toEqual([{ username: "alice", ip: IP, success: 0 }]);
    const audit = await auditSince(t.db, mark);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: null,
      actor_label: "alice",
      action: "auth.login_failed",
      entity_type: "session",
      entity_id: String(alice.id),
      summary: "登录失败：用户名或密码错误",
      ip: IP,
    });
  });

  it("refuses an unknown user with the same message, without naming an account", async () => {
    const mark = await lastAuditId(t.db);
    const result = await authenticate(t.db, { username: "Nobody", password: alice.password, ip: IP });
    expect(result).toEqual({ ok: false, reason: "invalid", message: "用户名或密码错误。" });
    expect(await attempts()).toEqual([{ username: "nobody", ip: IP, success: 0 }]);
    const audit = await auditSince(t.db, mark);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: null, actor_label: "nobody", action: "auth.login_failed", entity_id: null });
  });

  it("labels an empty or very long username sensibly in the audit log", async () => {
    const mark = await lastAuditId(t.db);
    await authenticate(t.db, { username: "   ", password: "x", ip: IP });
    await authenticate(t.db, { username: "x".repeat(300), password: "x", ip: IP });
    const audit = await auditSince(t.db, mark);
    expect(audit.map((a) => a.actor_label)).toEqual(["（空）", "x".repeat(60)]);
  });

  it("refuses an inactive account even with the right password", async () => {
    const user = await t.db.selectFrom("users").select("version").where("id", "=", alice.id).executeTakeFirstOrThrow();
    expect((await setUserActive(t.db, SYSTEM_ACTOR, { id: alice.id, version: user.version, active: false })).ok).toBe(true);
    const mark = await lastAuditId(t.db);
    const result = await authenticate(t.db, { username: "alice", password: alice.password, ip: IP });
    expect(result).toEqual({ ok: false, reason: "invalid", message: "用户名或密码错误。" });
    expect(await attempts()).toEqual([{ username: "alice", ip: IP, success: 0 }]);
    const audit = await auditSince(t.db, mark);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: null, action: "auth.login_failed", summary: "登录失败：账号已停用" });
  });

  it("locks the account after 5 failures, with a Chinese message in minutes, and records nothing while locked", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await authenticate(t.db, { username: "alice", password: `Wrong-Password-${i}`, ip: IP });
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
    const before = await snapshot(t.db);
    // even the right password, from another address, is refused while locked
    const locked = await authenticate(t.db, { username: "alice", password: alice.password, ip: OTHER_IP });
    expect(locked.ok).toBe(false);
    if (locked.ok) return;
    expect(locked.reason).toBe("throttled");
    expect(locked.message).toContain("分钟");
    expect(locked.message).toMatch(/^登录失败次数过多，请 (15|14) 分钟后再试。$/);
    expect(await snapshot(t.db)).toEqual(before);
    // other accounts are not affected
    const bob = await makeUser(t.db, { username: "bob", role: "member" });
    expect((await authenticate(t.db, { username: "bob", password: bob.password, ip: IP })).ok).toBe(true);
  });

  it("a success before reaching the limit resets the account's count", async () => {
    for (let i = 0; i < 4; i++) await authenticate(t.db, { username: "alice", password: "Wrong-Password-1", ip: IP });
    expect((await authenticate(t.db, { username: "alice", password: alice.password, ip: IP })).ok).toBe(true);
    for (let i = 0; i < 4; i++) {
      expect(await authenticate(t.db, { username: "alice", password: "Wrong-Password-1", ip: IP })).toMatchObject({ reason: "invalid" });
    }
    expect((await authenticate(t.db, { username: "alice", password: alice.password, ip: IP })).ok).toBe(true);
    // without a success in between, the fifth failure locks
    for (let i = 0; i < 5; i++) await authenticate(t.db, { username: "alice", password: "Wrong-Password-1", ip: IP });
    expect(await authenticate(t.db, { username: "alice", password: alice.password, ip: IP })).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("locks an address after 20 failures across different usernames", async () => {
    for (let i = 0; i < 20; i++) {
      const r = await authenticate(t.db, { username: `guess${i}`, password: "Wrong-Password-1", ip: IP });
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
    expect(await countRows(t.db, "login_attempts")).toBe(20);
    const before = await snapshot(t.db);
    const locked = await authenticate(t.db, { username: "alice", password: alice.password, ip: IP });
    expect(locked).toMatchObject({ ok: false, reason: "throttled" });
    if (!locked.ok) expect(locked.message).toContain("分钟");
    expect(await snapshot(t.db)).toEqual(before);
    // the same account from another address is fine
    expect((await authenticate(t.db, { username: "alice", password: alice.password, ip: OTHER_IP })).ok).toBe(true);
  });

  it("unlocks after the window has passed", async () => {
    const old = new Date(Date.now() - 16 * 60_000);
    for (let i = 0; i < 5; i++) await recordLoginAttempt(t.db, { username: "alice", ip: IP, success: false }, old);
    for (let i = 0; i < 20; i++) await recordLoginAttempt(t.db, { username: `guess${i}`, ip: IP, success: false }, old);
    expect((await authenticate(t.db, { username: "alice", password: alice.password, ip: IP })).ok).toBe(true);
  });

  it("stays locked while the failures are inside the window, naming the minutes left", async () => {
    const recent = new Date(Date.now() - 13 * 60_000);
    for (let i = 0; i < 5; i++) await recordLoginAttempt(t.db, { username: "alice", ip: IP, success: false }, recent);
    const result = await authenticate(t.db, { username: "alice", password: alice.password, ip: IP });
    expect(result).toEqual({ ok: false, reason: "throttled", message: "登录失败次数过多，请 2 分钟后再试。" });
  });

  // KNOWN BUG (reported, left failing on purpose): checkThrottle() runs before, and outside, the
  // transaction that records the attempt, and the ~100 ms scrypt check sits in between. Requests sent in
  // parallel all pass the check before any failure is recorded, so every one of them gets a password
  // guess evaluated: the 5-per-account limit does not hold under concurrency.
  it("evaluates at most 5 guesses for an account even when they arrive in parallel", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => authenticate(t.db, { username: "alice", password: `Wrong-Password-${i}`, ip: `192.0.2.${i}` })),
    );
    const evaluated = results.filter((r) => !r.ok && r.reason === "invalid").length;
    expect(evaluated).toBeLessThanOrEqual(5);
    const failures = await t.db.selectFrom("login_attempts").select("id").where("success", "=", 0).execute();
    expect(failures.length).toBeLessThanOrEqual(5);
  });

  it("writes the attempt and its audit entry in one transaction", async () => {
    await breakAuditLog(t.db);
    const before = await snapshot(t.db);
    await expect(authenticate(t.db, { username: "alice", password: alice.password, ip: IP })).rejects.toThrow(/audit log unavailable/);
    // the login attempt was rolled back together with the failed audit write
    expect(await snapshot(t.db)).toEqual(before);
  });
});
