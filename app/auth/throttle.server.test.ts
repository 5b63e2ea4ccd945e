import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countRows, createTestDb, type TestDb } from "~/test/db";
import { THROTTLE, checkThrottle, recordLoginAttempt } from "./throttle.server";

const NOW = new Date("2024-05-01T08:00:00.000Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const IP = "198.51.100.7";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

async function fail(username: string, at: Date, ip = IP) {
  await recordLoginAttempt(t.db, { username, ip, success: false }, at);
}
async function succeed(username: string, at: Date, ip = IP) {
  await recordLoginAttempt(t.db, { username, ip, success: true }, at);
}

describe("THROTTLE", () => {
  it("is 5 failures per account and 20 per address within 15 minutes", () => {
    expect(THROTTLE).toEqual({ windowMinutes: 15, maxFailuresPerAccount: 5, maxFailuresPerAddress: 20 });
  });
});

describe("recordLoginAttempt", () => {
  it("stores the attempt with its time as an ISO string and success as 0/1", async () => {
    await fail("alice", minutesAgo(3));
    await succeed("alice", NOW, "203.0.113.1");
    const rows = await t.db.selectFrom("login_attempts").selectAll().orderBy("id").execute();
    expect(rows).toEqual([
      { id: 1, username: "alice", ip: IP, at: "2024-05-01T07:57:00.000Z", success: 0 },
      { id: 2, username: "alice", ip: "203.0.113.1", at: "2024-05-01T08:00:00.000Z", success: 1 },
    ]);
  });

  it("defaults to the current time", async () => {
    const before = new Date().toISOString();
    await fail("bob", undefined as unknown as Date);
    const after = new Date().toISOString();
    const row = await t.db.selectFrom("login_attempts").select("at").executeTakeFirstOrThrow();
    expect(row.at >= before && row.at <= after).toBe(true);
  });
});

describe("checkThrottle", () => {
  it("is open with no attempts", async () => {
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: false, retryAfterMinutes: 0 });
  });

  it("allows four failures and locks at the fifth, for the whole window", async () => {
    for (let i = 4; i >= 1; i--) await fail("alice", minutesAgo(i));
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: false, retryAfterMinutes: 0 });
    await fail("alice", NOW);
    // the oldest counted failure was 4 minutes ago: it leaves the window in 11 minutes
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: true, retryAfterMinutes: 11 });
  });

  it("locks the account from any address, but not other accounts", async () => {
    for (let i = 0; i < 5; i++) await fail("alice", minutesAgo(1), `203.0.113.${i}`);
    expect((await checkThrottle(t.db, "alice", "192.0.2.99", NOW)).locked).toBe(true);
    expect((await checkThrottle(t.db, "bob", "203.0.113.0", NOW)).locked).toBe(false);
  });

  it("says how long to wait: until the oldest counted failure leaves the window", async () => {
    for (const m of [10, 9, 8, 7, 6]) await fail("alice", minutesAgo(m));
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: true, retryAfterMinutes: 5 });
    // only the latest five count: a sixth, newer failure moves the unlock time later
    await fail("alice", minutesAgo(1));
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: true, retryAfterMinutes: 6 });
  });

  it("never reports less than one minute", async () => {
    for (let i = 0; i < 5; i++) await fail("alice", new Date(minutesAgo(15).getTime() + 1000));
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: true, retryAfterMinutes: 1 });
  });

  it("unlocks once the failures are older than the window", async () => {
    for (let i = 0; i < 5; i++) await fail("alice", minutesAgo(15));
    expect((await checkThrottle(t.db, "alice", IP, NOW)).locked).toBe(false);
    for (let i = 0; i < 5; i++) await fail("bob", minutesAgo(16 + i));
    expect((await checkThrottle(t.db, "bob", IP, NOW)).locked).toBe(false);
    // and a lock seen now is gone when asked again after the window
    for (let i = 0; i < 5; i++) await fail("carol", minutesAgo(1));
    expect(await checkThrottle(t.db, "carol", IP, NOW)).toEqual({ locked: true, retryAfterMinutes: 14 });
    const unlockAt = NOW.getTime() + 14 * 60_000;
    expect(await checkThrottle(t.db, "carol", IP, new Date(unlockAt - 1))).toEqual({ locked: true, retryAfterMinutes: 1 });
    expect(await checkThrottle(t.db, "carol", IP, new Date(unlockAt))).toEqual({ locked: false, retryAfterMinutes: 0 });
  });

  it("counts account failures only since the last success", async () => {
    for (const m of [10, 9, 8, 7]) await fail("alice", minutesAgo(m));
    await succeed("alice", minutesAgo(6));
    for (const m of [5, 4, 3, 2]) await fail("alice", minutesAgo(m));
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: false, retryAfterMinutes: 0 });
    await fail("alice", minutesAgo(1));
    expect(await checkThrottle(t.db, "alice", IP, NOW)).toEqual({ locked: true, retryAfterMinutes: 10 });
  });

  it("ignores a success older than the window", async () => {
    await succeed("alice", minutesAgo(60));
    for (let i = 0; i < 5; i++) await fail("alice", minutesAgo(2));
    expect((await checkThrottle(t.db, "alice", IP, NOW)).locked).toBe(true);
  });

  it("locks an address after 20 failures across different usernames, for every username from it", async () => {
    for (let i = 0; i < 19; i++) await fail(`guess${i}`, minutesAgo(5));
    expect((await checkThrottle(t.db, "someone", IP, NOW)).locked).toBe(false);
    await fail("guess19", minutesAgo(5));
    expect(await checkThrottle(t.db, "someone", IP, NOW)).toEqual({ locked: true, retryAfterMinutes: 10 });
    expect((await checkThrottle(t.db, "guess0", IP, NOW)).locked).toBe(true);
    // another address is not affected
    expect((await checkThrottle(t.db, "someone", "203.0.113.50", NOW)).locked).toBe(false);
  });

  it("does not let a success reset the address count", async () => {
    for (let i = 0; i < 20; i++) await fail(`guess${i}`, minutesAgo(5));
    await succeed("someone", minutesAgo(1));
    expect((await checkThrottle(t.db, "someone", IP, NOW)).locked).toBe(true);
  });

  it("reads without writing", async () => {
    for (let i = 0; i < 5; i++) await fail("alice", minutesAgo(1));
    await checkThrottle(t.db, "alice", IP, NOW);
    expect(await countRows(t.db, "login_attempts")).toBe(5);
    expect(await countRows(t.db, "audit_log")).toBe(0);
  });
});
