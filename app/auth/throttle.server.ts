import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

/**
 * Sign-in throttling. Failures are counted per account (since its last success) and per address, within
 * a sliding window; past the limit, sign-in is refused until the oldest counted failure leaves the window.
 */
export const THROTTLE = {
  windowMinutes: 15,
  maxFailuresPerAccount: 5,
  maxFailuresPerAddress: 20,
};

export interface ThrottleState {
  locked: boolean;
  retryAfterMinutes: number;
}

export async function checkThrottle(
  db: Kysely<Database>,
  username: string,
  ip: string,
  now: Date = new Date(),
): Promise<ThrottleState> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000).toISOString();
  const lastSuccess = await db
    .selectFrom("login_attempts")
    .select((eb) => eb.fn.max("at").as("at"))
    .where("username", "=", username)
    .where("success", "=", 1)
    .executeTakeFirst();
  const accountSince = lastSuccess?.at && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;

  const accountFailures = await db
    .selectFrom("login_attempts")
    .select("at")
    .where("username", "=", username)
    .where("success", "=", 0)
    .where("at", ">", accountSince)
    .orderBy("at", "desc")
    .limit(THROTTLE.maxFailuresPerAccount)
    .execute();
  const addressFailures = await db
    .selectFrom("login_attempts")
    .select("at")
    .where("ip", "=", ip)
    .where("success", "=", 0)
    .where("at", ">", windowStart)
    .orderBy("at", "desc")
    .limit(THROTTLE.maxFailuresPerAddress)
    .execute();

  const lockedBy = (failures: { at: string }[], limit: number) =>
    failures.length >= limit ? failures[failures.length - 1].at : null;
  const oldest = [
    lockedBy(accountFailures, THROTTLE.maxFailuresPerAccount),
    lockedBy(addressFailures, THROTTLE.maxFailuresPerAddress),
  ].filter((x): x is string => x !== null);
  if (oldest.length === 0) return { locked: false, retryAfterMinutes: 0 };
  const unlockAt = Math.max(...oldest.map((at) => Date.parse(at) + THROTTLE.windowMinutes * 60_000));
  return { locked: true, retryAfterMinutes: Math.max(1, Math.ceil((unlockAt - now.getTime()) / 60_000)) };
}

export async function recordLoginAttempt(
  db: Kysely<Database>,
  attempt: { username: string; ip: string; success: boolean },
  now: Date = new Date(),
): Promise<void> {
  await db
    .insertInto("login_attempts")
    .values({ username: attempt.username, ip: attempt.ip, success: attempt.success ? 1 : 0, at: now.toISOString() })
    .execute();
}
