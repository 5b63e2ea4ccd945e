import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { advisoryLock, writeTransaction } from "../../db/transactions";
import { recordAudit } from "../audit.server";
import { knownDeviceHash, rememberDevice } from "./devices.server";
import { dummyPasswordHash, verifyPassword } from "./password.server";
import { checkThrottle, throttleMessage, type AttemptSource } from "./throttle.server";

export type LoginResult =
  | { ok: true; userId: number; label: string; deviceToken: string }
  | { ok: false; reason: "invalid" | "throttled"; message: string };

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export interface PasswordAttempt {
  username: string;
  password: string;
  ip: string;
  /** the browser's known-device token (cookie), if any */
  deviceToken?: string | null;
}

/**
 * Checks a password under the sign-in throttle (app/auth/throttle.server.ts): the attempt is reserved as a
 * failure together with the throttle check in one transaction (so parallel attempts see each other), then the
 * password is checked (with the same work for unknown accounts, so timing does not tell which exist), then the
 * attempt is marked a success and audited in one transaction with whatever `onSuccess` writes.
 */
async function throttledPasswordCheck(
  db: Kysely<Database>,
  input: PasswordAttempt,
  audit: { success: string | null; failure: string; failureSummary: string },
  now: () => Date,
): Promise<
  | { ok: true; user: { id: number; username: string; display_name: string }; source: AttemptSource }
  | { ok: false; reason: "invalid" | "throttled"; message: string }
> {
  const username = normalizeUsername(input.username);
  const reservation = await writeTransaction(db, async (trx) => {
    // parallel attempts on one account (and, from unknown browsers, from one address) count each other's
    // failures: the check and the reservation hold the name's lock, then the address's (decision 0175)
    await advisoryLock(trx, `login:${username}`);
    const source: AttemptSource = { username, ip: input.ip, device: await knownDeviceHash(trx, input.deviceToken ?? null, username) };
    if (!source.device) await advisoryLock(trx, `login-address:${input.ip}`);
    const at = now();
    const throttle = await checkThrottle(trx, source, at);
    if (throttle.locked) return { locked: true as const, message: throttleMessage(throttle) };
    const row = await trx
      .insertInto("login_attempts")
      .values({ username, ip: input.ip, device: source.device ?? "", success: 0, at: at.toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { locked: false as const, attemptId: row.id, source };
  });
  if (reservation.locked) return { ok: false, reason: "throttled", message: reservation.message };
  const user = await db
    .selectFrom("users")
    .select(["id", "username", "display_name", "password_hash", "active"])
    .where("username", "=", username)
    .executeTakeFirst();
  const valid = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash()));
  const ok = !!user && valid && user.active === 1;
  try {
    await writeTransaction(db, async (trx) => {
      if (ok) await trx.updateTable("login_attempts").set({ success: 1 }).where("id", "=", reservation.attemptId).execute();
      if (ok && audit.success === null) return;
      await recordAudit(
        trx,
        { id: ok ? user!.id : null, label: ok ? `${user!.display_name}（${user!.username}）` : username.slice(0, 60) || "（空）", ip: input.ip },
        {
          action: ok ? "auth.login" : audit.failure,
          entityType: "session",
          entityId: user?.id ?? null,
          summary: ok ? audit.success! : user && !user.active ? "登录失败：账号已停用" : audit.failureSummary,
        },
      );
    });
  } catch (error) {
    // the attempt and its audit entry stand or fall together
    await db.deleteFrom("login_attempts").where("id", "=", reservation.attemptId).execute();
    throw error;
  }
  if (!ok) return { ok: false, reason: "invalid", message: "用户名或密码错误。" };
  return { ok: true, user: user!, source: reservation.source };
}

/**
 * Checks a sign-in attempt under the throttle. On success the browser becomes (or stays) a known device of
 * the account: the result carries the device token for its cookie. Failures and successes are audited.
 */
export async function authenticate(db: Kysely<Database>, input: PasswordAttempt, now: () => Date = () => new Date()): Promise<LoginResult> {
  const result = await throttledPasswordCheck(
    db,
    input,
    { success: "登录成功", failure: "auth.login_failed", failureSummary: "登录失败：用户名或密码错误" },
    now,
  );
  if (!result.ok) return result;
  const deviceToken = await rememberDevice(db, input.deviceToken ?? null, result.user.id, now());
  return { ok: true, userId: result.user.id, label: `${result.user.display_name}（${result.user.username}）`, deviceToken };
}

/**
 * The current-password check of a signed-in user (/account), under the same throttle as sign-in, so a
 * borrowed session cannot be used to guess the password. A wrong password is audited as auth.confirm_failed.
 */
export async function confirmCurrentPassword(
  db: Kysely<Database>,
  input: PasswordAttempt,
  now: () => Date = () => new Date(),
): Promise<{ ok: true } | { ok: false; reason: "invalid" | "throttled"; message: string }> {
  const result = await throttledPasswordCheck(
    db,
    input,
    { success: null, failure: "auth.confirm_failed", failureSummary: "修改密码时当前密码不正确" },
    now,
  );
  if (!result.ok) return { ok: false, reason: result.reason, message: result.reason === "invalid" ? "当前密码不正确" : result.message };
  return { ok: true };
}
