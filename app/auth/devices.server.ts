import { createCookie } from "@remix-run/node";
import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { hashToken } from "./session.server";

/**
 * Known devices (docs/decisions/0030-sign-in-throttling.md): a browser that signed in to an account keeps a
 * random token in a long-lived cookie; the database keeps only its SHA-256 with the account. Sign-in attempts
 * from a known device are throttled on their own (app/auth/throttle.server.ts), so a stranger's failures from
 * the same address do not keep the owner out. The token proves nothing by itself: the password is always checked.
 */
export const DEVICE_COOKIE_DAYS = 365;

const deviceCookie = createCookie("xunwen_device", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  maxAge: DEVICE_COOKIE_DAYS * 86_400,
});

export async function readDeviceToken(request: Request): Promise<string | null> {
  const value = await deviceCookie.parse(request.headers.get("cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{40,60}$/.test(value) ? value : null;
}

/** The device's hash if this browser's token is known for the account `username`, else null. */
export async function knownDeviceHash(
  db: Kysely<Database> | Transaction<Database>,
  token: string | null,
  username: string,
): Promise<string | null> {
  if (!token) return null;
  const hash = hashToken(token);
  const row = await db
    .selectFrom("known_devices")
    .innerJoin("users", "users.id", "known_devices.user_id")
    .select("known_devices.device_hash")
    .where("known_devices.device_hash", "=", hash)
    .where("users.username", "=", username)
    .executeTakeFirst();
  return row ? hash : null;
}

/** Records the browser as a known device of the account after a successful sign-in; returns the token to keep. */
export async function rememberDevice(
  db: Kysely<Database> | Transaction<Database>,
  token: string | null,
  userId: number,
  now: Date = new Date(),
): Promise<string> {
  const kept = token ?? randomBytes(32).toString("base64url");
  const at = now.toISOString();
  await db
    .insertInto("known_devices")
    .values({ device_hash: hashToken(kept), user_id: userId, created_at: at, last_seen_at: at })
    .onConflict((oc) => oc.columns(["device_hash", "user_id"]).doUpdateSet({ last_seen_at: at }))
    .execute();
  return kept;
}

export function deviceCookieHeader(token: string, request: Request): Promise<string> {
  return deviceCookie.serialize(token, { secure: new URL(request.url).protocol === "https:" });
}
