import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "~/test/db";
import { THROTTLE, checkThrottle, delayAfterFailures, recordLoginAttempt, throttleMessage, type AttemptSource } from "./throttle.server";

// An injectable clock: every rule is checked at chosen instants, nothing waits.
const NOW = new Date("2024-05-01T08:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const IP = "198.51.100.7";
const OTHER_IP = "203.0.113.9";
const DEVICE = "d".repeat(64);

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

const src = (username: string, ip = IP, device: string | null = null): AttemptSource => ({ username, ip, device });
async function fail(source: AttemptSource, when: Date) {
  await recordLoginAttempt(t.db, { ...source, success: false }, when);
}
async function succeed(source: AttemptSource, when: Date) {
  await recordLoginAttempt(t.db, { ...source, success: true }, when);
}

describe("THROTTLE and the delays", () => {
  it("lets 5 failures through, then waits 30 s, doubling, at most 15 minutes", () => {
    expect(THROTTLE).toMatchObject({ freeFailures: 5, firstDelaySeconds: 30, maxDelayMinutes: 15, maxFailuresPerAddress: 20, addressWindowMinutes: 15 });
    expect([1, 4, 5, 6, 7, 8, 9, 10, 50].map((n) => delayAfterFailures(n) / 1000)).toEqual([0, 0, 30, 60, 120, 240, 480, 900, 900]);
  });

  it("words the wait in seconds or minutes", () => {
    expect(throttleMessage({ locked: true, retryAfterSeconds: 30 })).toBe("登录失败次数过多，请 30 秒后再试。");
    expect(throttleMessage({ locked: true, retryAfterSeconds: 61 })).toBe("登录失败次数过多，请 2 分钟后再试。");
  });
});

describe("recordLoginAttempt", () => {
  it("stores the attempt with its time, address, device ('' when unknown) and success as 0/1", async () => {
    await fail(src("alice"), at(-180));
    await succeed(src("alice", OTHER_IP, DEVICE), NOW);
    const rows = await t.db.selectFrom("login_attempts").selectAll().orderBy("id").execute();
    expect(rows).toEqual([
      { id: 1, username: "alice", ip: IP, device: "", at: "2024-05-01T07:57:00.000Z", success: 0 },
      { id: 2, username: "alice", ip: OTHER_IP, device: DEVICE, at: "2024-05-01T08:00:00.000Z", success: 1 },
    ]);
  });
});

describe("checkThrottle: one account from one address (unknown browser)", () => {
  it("is open with no attempts and after four failures", async () => {
    expect(await checkThrottle(t.db, src("alice"), NOW)).toEqual({ locked: false, retryAfterSeconds: 0 });
    for (let i = 0; i < 4; i++) await fail(src("alice"), at(i));
    expect(await checkThrottle(t.db, src("alice"), at(4))).toEqual({ locked: false, retryAfterSeconds: 0 });
  });

  it("after the fifth failure waits 30 s, then 60 s after the sixth: the delays grow", async () => {
    for (let i = 0; i < 5; i++) await fail(src("alice"), at(i));
    expect(await checkThrottle(t.db, src("alice"), at(5))).toEqual({ locked: true, retryAfterSeconds: 29 });
    expect((await checkThrottle(t.db, src("alice"), at(34))).locked).toBe(false);
    await fail(src("alice"), at(34));
    expect(await checkThrottle(t.db, src("alice"), at(35))).toEqual({ locked: true, retryAfterSeconds: 59 });
    expect((await checkThrottle(t.db, src("alice"), at(94))).locked).toBe(false);
  });

  it("never holds the same account back from another address or from its known device", async () => {
    for (let i = 0; i < 30; i++) await fail(src("alice"), at(i));
    expect((await checkThrottle(t.db, src("alice"), at(31))).locked).toBe(true);
    expect(await checkThrottle(t.db, src("alice", OTHER_IP), at(31))).toEqual({ locked: false, retryAfterSeconds: 0 });
    expect(await checkThrottle(t.db, src("alice", IP, DEVICE), at(31))).toEqual({ locked: false, retryAfterSeconds: 0 });
  });

  it("a success of the source starts it afresh; failures older than an hour are forgotten", async () => {
    for (let i = 0; i < 5; i++) await fail(src("alice"), at(i));
    await succeed(src("alice"), at(40));
    expect((await checkThrottle(t.db, src("alice"), at(41))).locked).toBe(false);
    for (let i = 0; i < 5; i++) await fail(src("bob"), at(-3601 - i));
    expect((await checkThrottle(t.db, src("bob"), NOW)).locked).toBe(false);
  });
});

describe("checkThrottle: a known device", () => {
  it("counts its own failures only, with the same growing delays", async () => {
    for (let i = 0; i < 5; i++) await fail(src("alice", IP, DEVICE), at(i));
    expect(await checkThrottle(t.db, src("alice", IP, DEVICE), at(5))).toEqual({ locked: true, retryAfterSeconds: 29 });
    // the unknown browsers of the same address are not affected by the device's failures either
    expect((await checkThrottle(t.db, src("alice"), at(5))).locked).toBe(false);
  });
});

describe("checkThrottle: one address, many accounts", () => {
  it("holds back unknown browsers of an address after 20 failures in 15 minutes, until the oldest leaves the window", async () => {
    for (let i = 0; i < 20; i++) await fail(src(`guess${i}`), at(i));
    expect(await checkThrottle(t.db, src("alice"), at(20))).toEqual({ locked: true, retryAfterSeconds: 15 * 60 - 20 });
    expect((await checkThrottle(t.db, src("alice"), at(15 * 60 + 1))).locked).toBe(false);
    // another address is not affected
    expect((await checkThrottle(t.db, src("alice", OTHER_IP), at(20))).locked).toBe(false);
  });

  it("does not hold back a known device behind the same address", async () => {
    for (let i = 0; i < 40; i++) await fail(src(`guess${i}`), at(i));
    expect(await checkThrottle(t.db, src("alice", IP, DEVICE), at(40))).toEqual({ locked: false, retryAfterSeconds: 0 });
  });
});
