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
import { authenticate, confirmCurrentPassword, normalizeUsername } from "./login.server";
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
    expect(result).toMatchObject({ ok: true, userId: alice.id, label: "王丽（alice）" });
    expect(result.ok && result.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
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

  it("a stranger's failures do not keep the owner out: growing delays for the stranger, the owner's known device passes", async () => {
    // the owner signed in once from this browser: it is now a known device
    let clock = new Date("2024-05-01T08:00:00.000Z");
    const now = () => clock;
    const first = await authenticate(t.db, { username: "alice", password: alice.password, ip: IP }, now);
    if (!first.ok) throw new Error("sign-in failed");
    clock = new Date(clock.getTime() + 1000);
    for (let i = 0; i < 5; i++) {
      const r = await authenticate(t.db, { username: "alice", password: `Wrong-Password-${i}`, ip: IP }, now);
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
    // the stranger waits (30 s), and nothing is recorded while waiting
    const before = await snapshot(t.db);
    const held = await authenticate(t.db, { username: "alice", password: "Wrong-Password-x", ip: IP }, now);
    expect(held).toEqual({ ok: false, reason: "throttled", message: "登录失败次数过多，请 30 秒后再试。" });
    expect(await snapshot(t.db)).toEqual(before);
    // the owner, on the same address with the right password and the known device: in at once
    expect((await authenticate(t.db, { username: "alice", password: alice.password, ip: IP, deviceToken: first.deviceToken }, now)).ok).toBe(true);
    // and from another address too
    expect((await authenticate(t.db, { username: "alice", password: alice.password, ip: OTHER_IP }, now)).ok).toBe(true);
    // after the wait the stranger may try once more, then waits twice as long
    clock = new Date(clock.getTime() + 31_000);
    expect(await authenticate(t.db, { username: "alice", password: "Wrong-Password-y", ip: IP }, now)).toMatchObject({ reason: "invalid" });
    expect(await authenticate(t.db, { username: "alice", password: "Wrong-Password-z", ip: IP }, now)).toEqual({
      ok: false,
      reason: "throttled",
      message: "登录失败次数过多，请 1 分钟后再试。",
    });
  });

  it("20 failures from one address hold back its unknown browsers, not a known device's correct password", async () => {
    const first = await authenticate(t.db, { username: "alice", password: alice.password, ip: IP });
    if (!first.ok) throw new Error("sign-in failed");
    // two guesses through the sign-in itself, the other 18 recorded directly (each real check costs a scrypt hash)
    for (let i = 0; i < 2; i++) {
      const r = await authenticate(t.db, { username: `guess${i}`, password: "Wrong-Password-1", ip: IP });
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
    for (let i = 2; i < 20; i++) await recordLoginAttempt(t.db, { username: `guess${i}`, ip: IP, device: null, success: false });
    expect(await countRows(t.db, "login_attempts")).toBe(21);
    const bob = await makeUser(t.db, { username: "bob", role: "member" });
    const locked = await authenticate(t.db, { username: "bob", password: bob.password, ip: IP });
    expect(locked).toMatchObject({ ok: false, reason: "throttled" });
    if (!locked.ok) expect(locked.message).toContain("分钟");
    expect((await authenticate(t.db, { username: "alice", password: alice.password, ip: IP, deviceToken: first.deviceToken })).ok).toBe(true);
    // bob from another address is fine
    expect((await authenticate(t.db, { username: "bob", password: bob.password, ip: OTHER_IP })).ok).toBe(true);
  });

  it("a device token of another account does not count as known", async () => {
    const bob = await makeUser(t.db, { username: "bob", role: "member" });
    const bobs = await authenticate(t.db, { username: "bob", password: bob.password, ip: IP });
    if (!bobs.ok) throw new Error("sign-in failed");
    for (let i = 0; i < 5; i++) await authenticate(t.db, { username: "alice", password: "Wrong-Password-1", ip: IP, deviceToken: bobs.deviceToken });
    expect(await authenticate(t.db, { username: "alice", password: alice.password, ip: IP, deviceToken: bobs.deviceToken })).toMatchObject({ reason: "throttled" });
    // the same browser keeps one token, now known for both accounts after alice signs in elsewhere with it later
    const aliceIn = await authenticate(t.db, { username: "alice", password: alice.password, ip: OTHER_IP, deviceToken: bobs.deviceToken });
    expect(aliceIn).toMatchObject({ ok: true, deviceToken: bobs.deviceToken });
  });

  it("evaluates at most 5 guesses for an account from one address even when they arrive in parallel", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => authenticate(t.db, { username: "alice", password: `Wrong-Password-${i}`, ip: IP })),
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

describe("confirmCurrentPassword (/account)", () => {
  it("is throttled like sign-in: after 5 wrong guesses the right password waits too, and failures are audited", async () => {
    let clock = new Date("2024-05-01T08:00:00.000Z");
    const now = () => clock;
    const mark = await lastAuditId(t.db);
    for (let i = 0; i < 5; i++) {
      expect(await confirmCurrentPassword(t.db, { username: "alice", password: `Guess-${i}`, ip: IP }, now)).toEqual({
        ok: false,
        reason: "invalid",
        message: "当前密码不正确",
      });
    }
    expect(await confirmCurrentPassword(t.db, { username: "alice", password: alice.password, ip: IP }, now)).toMatchObject({ ok: false, reason: "throttled" });
    expect((await auditSince(t.db, mark)).map((a) => a.action)).toEqual(Array(5).fill("auth.confirm_failed"));
    clock = new Date(clock.getTime() + 31_000);
    expect(await confirmCurrentPassword(t.db, { username: "alice", password: alice.password, ip: IP }, now)).toEqual({ ok: true });
  });
});
