import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit } from "../audit.server";
import { dummyPasswordHash, verifyPassword } from "./password.server";
import { checkThrottle } from "./throttle.server";

export type LoginResult =
  | { ok: true; userId: number; label: string }
  | { ok: false; reason: "invalid" | "throttled"; message: string };

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * Checks a sign-in attempt: throttling first, then the password (with the same work for unknown accounts,
 * so timing does not tell which accounts exist). Every attempt is counted; failures and successes are audited.
 */
export async function authenticate(
  db: Kysely<Database>,
  input: { username: string; password: string; ip: string },
): Promise<LoginResult> {
  const username = normalizeUsername(input.username);
  // Check the limits and reserve this attempt (counted as a failure until proven otherwise) in one
  // transaction, so attempts arriving in parallel see each other and the limit holds.
  const reservation = await db.transaction().execute(async (trx) => {
    const throttle = await checkThrottle(trx, username, input.ip);
    if (throttle.locked) return { locked: true as const, retryAfterMinutes: throttle.retryAfterMinutes };
    const row = await trx
      .insertInto("login_attempts")
      .values({ username, ip: input.ip, success: 0, at: new Date().toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { locked: false as const, attemptId: row.id };
  });
  if (reservation.locked) {
    return {
      ok: false,
      reason: "throttled",
      message: `登录失败次数过多，请 ${reservation.retryAfterMinutes} 分钟后再试。`,
    };
  }
  const user = await db
    .selectFrom("users")
    .select(["id", "username", "display_name", "password_hash", "active"])
    .where("username", "=", username)
    .executeTakeFirst();
  const valid = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash()));
  const ok = !!user && valid && user.active === 1;
  try {
    await db.transaction().execute(async (trx) => {
      if (ok) await trx.updateTable("login_attempts").set({ success: 1 }).where("id", "=", reservation.attemptId).execute();
      await recordAudit(
      trx,
      { id: ok ? user!.id : null, label: ok ? `${user!.display_name}（${user!.username}）` : username.slice(0, 60) || "（空）", ip: input.ip },
      {
        action: ok ? "auth.login" : "auth.login_failed",
        entityType: "session",
        entityId: user?.id ?? null,
        summary: ok ? "登录成功" : user && !user.active ? "登录失败：账号已停用" : "登录失败：用户名或密码错误",
      },
    );
    });
  } catch (error) {
    // the attempt and its audit entry stand or fall together
    await db.deleteFrom("login_attempts").where("id", "=", reservation.attemptId).execute();
    throw error;
  }
  if (!ok) return { ok: false, reason: "invalid", message: "用户名或密码错误。" };
  return { ok: true, userId: user.id, label: `${user.display_name}（${user.username}）` };
}
