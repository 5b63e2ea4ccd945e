import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit } from "../audit.server";
import { dummyPasswordHash, verifyPassword } from "./password.server";
import { checkThrottle, recordLoginAttempt } from "./throttle.server";

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
  const throttle = await checkThrottle(db, username, input.ip);
  if (throttle.locked) {
    return {
      ok: false,
      reason: "throttled",
      message: `登录失败次数过多，请 ${throttle.retryAfterMinutes} 分钟后再试。`,
    };
  }
  const user = await db
    .selectFrom("users")
    .select(["id", "username", "display_name", "password_hash", "active"])
    .where("username", "=", username)
    .executeTakeFirst();
  const valid = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash()));
  const ok = !!user && valid && user.active === 1;
  await db.transaction().execute(async (trx) => {
    await recordLoginAttempt(trx, { username, ip: input.ip, success: ok });
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
  if (!ok) return { ok: false, reason: "invalid", message: "用户名或密码错误。" };
  return { ok: true, userId: user.id, label: `${user.display_name}（${user.username}）` };
}
