import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

/**
 * Sign-in throttling that slows the attacker, not the owner (issue 16; docs/decisions/0030-sign-in-throttling.md).
 *
 * Failures are counted per *source* of one account: the browser's known-device token when it has one for this
 * account (set on a successful sign-in), otherwise the (account, address) pair. After `freeFailures` failures
 * from one source, each further attempt waits `firstDelaySeconds`, doubling, at most `maxDelayMinutes`, after
 * the source's last failure; a success of that source starts it afresh. So a stranger's guesses slow only
 * the stranger's own source: the owner on a known device is never held back by them.
 *
 * Besides, one address may fail at most `maxFailuresPerAddress` times within `addressWindowMinutes` from
 * unknown browsers (password spraying over many accounts); known devices are not held back by that limit,
 * so a shared office NAT or an unconfigured reverse proxy (see README, XUNWEN_TRUST_PROXY) does not lock out
 * every user whose browser has signed in before.
 *
 * Times are ISO strings (UTC); every function takes the clock `now` so the rules are tested without waiting.
 */
export const THROTTLE = {
  /** failures of one source older than this no longer count */
  sourceWindowMinutes: 60,
  freeFailures: 5,
  firstDelaySeconds: 30,
  maxDelayMinutes: 15,
  addressWindowMinutes: 15,
  maxFailuresPerAddress: 20,
} as const;

/** Who is trying: the normalised username, the client address and the known-device hash (null: none for this account). */
export interface AttemptSource {
  username: string;
  ip: string;
  device: string | null;
}

export interface ThrottleState {
  locked: boolean;
  /** seconds until the next attempt is taken (0 when open) */
  retryAfterSeconds: number;
}

/** The wait after the n-th failure of one source (n counted from 1): 0 for the free ones, then doubling. */
export function delayAfterFailures(n: number): number {
  if (n < THROTTLE.freeFailures) return 0;
  const doublings = Math.min(n - THROTTLE.freeFailures, 20);
  return Math.min(THROTTLE.firstDelaySeconds * 2 ** doublings, THROTTLE.maxDelayMinutes * 60) * 1000;
}

function sourceQuery(db: Kysely<Database>, source: AttemptSource) {
  let q = db.selectFrom("login_attempts").where("username", "=", source.username);
  if (source.device) q = q.where("device", "=", source.device);
  else q = q.where("ip", "=", source.ip).where("device", "=", "");
  return q;
}

export async function checkThrottle(db: Kysely<Database>, source: AttemptSource, now: Date = new Date()): Promise<ThrottleState> {
  const nowMs = now.getTime();
  const sourceStart = new Date(nowMs - THROTTLE.sourceWindowMinutes * 60_000).toISOString();
  const lastSuccess = await sourceQuery(db, source)
    .select((eb) => eb.fn.max("at").as("at"))
    .where("success", "=", 1)
    .executeTakeFirst();
  const since = lastSuccess?.at && lastSuccess.at > sourceStart ? lastSuccess.at : sourceStart;
  const failures = await sourceQuery(db, source)
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("at").as("last")])
    .where("success", "=", 0)
    .where("at", ">", since)
    .executeTakeFirst();
  let unlockAt = 0;
  const n = Number(failures?.n ?? 0);
  if (n > 0 && failures?.last) unlockAt = Date.parse(failures.last) + delayAfterFailures(n);

  if (!source.device) {
    const addressStart = new Date(nowMs - THROTTLE.addressWindowMinutes * 60_000).toISOString();
    const addressFailures = await db
      .selectFrom("login_attempts")
      .select("at")
      .where("ip", "=", source.ip)
      .where("device", "=", "")
      .where("success", "=", 0)
      .where("at", ">", addressStart)
      .orderBy("at", "desc")
      .limit(THROTTLE.maxFailuresPerAddress)
      .execute();
    if (addressFailures.length >= THROTTLE.maxFailuresPerAddress) {
      const oldest = addressFailures[addressFailures.length - 1].at;
      unlockAt = Math.max(unlockAt, Date.parse(oldest) + THROTTLE.addressWindowMinutes * 60_000);
    }
  }
  if (unlockAt <= nowMs) return { locked: false, retryAfterSeconds: 0 };
  return { locked: true, retryAfterSeconds: Math.max(1, Math.ceil((unlockAt - nowMs) / 1000)) };
}

/** The refusal in Chinese: "请 30 秒后再试" or "请 4 分钟后再试". */
export function throttleMessage(state: ThrottleState): string {
  const wait = state.retryAfterSeconds < 60 ? `${state.retryAfterSeconds} 秒` : `${Math.ceil(state.retryAfterSeconds / 60)} 分钟`;
  return `登录失败次数过多，请 ${wait}后再试。`;
}

export async function recordLoginAttempt(
  db: Kysely<Database>,
  attempt: AttemptSource & { success: boolean },
  now: Date = new Date(),
): Promise<number> {
  const row = await db
    .insertInto("login_attempts")
    .values({ username: attempt.username, ip: attempt.ip, device: attempt.device ?? "", success: attempt.success ? 1 : 0, at: now.toISOString() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
