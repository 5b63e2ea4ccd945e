import { randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";

/**
 * Passwords are hashed with scrypt (memory-hard, in node:crypto). The parameters are stored with the hash
 * so they can be raised later without invalidating existing passwords.
 */
/** Production cost of new hashes: N = 2^15, r = 8, p = 1 (32 MiB, about 100 ms here; RFC 7914 §2 parameters). */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 128 * N * R * 2;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize("NFKC"), salt, KEY_LENGTH, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * N for new hashes. Under vitest only (VITEST is set by the runner), XUNWEN_TEST_SCRYPT_N may lower it so
 * suites that create many accounts stay fast (vitest.config.ts sets 2^10); every other process ignores it.
 */
function costOfNewHashes(): number {
  const wanted = Number(process.env.XUNWEN_TEST_SCRYPT_N);
  if (!process.env.VITEST || !Number.isInteger(wanted) || wanted < 2 || wanted > N || (wanted & (wanted - 1)) !== 0) return N;
  return wanted;
}

/** Hashes a new password: `scrypt$N$r$p$salt$key` (salt and key base64; 16-byte salt, 32-byte key). */
export async function hashPassword(password: string): Promise<string> {
  const n = costOfNewHashes();
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, n, R, P);
  return `scrypt$${n}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  // Only parameters scrypt accepts and that cost at most 4× today's: a corrupt hash must not throw or stall.
  const powerOfTwo = Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(r) || !Number.isInteger(p) || r < 1 || p < 1 || r > 32 || p > 16) return false;
  if (128 * n * r * p > 128 * N * R * P * 4) return false;
  const salt = Buffer.from(parts[4], "base64");
  const expected = Buffer.from(parts[5], "base64");
  if (expected.length === 0) return false;
  try {
    const actual = await scrypt(password, salt, n, r, p);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** A hash that matches nothing, verified against when the user is unknown so timing does not reveal it. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(12).toString("base64"));
  return dummyHash;
}

const COMMON_PASSWORDS = new Set([
  "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop", "iloveyou",
  "admin123", "admin@123", "abc123456", "a123456789", "qwe123456", "1q2w3e4r5t", "woaini1314", "passw0rd",
  "p@ssw0rd", "xunwen-demo",
]);

/**
 * The minimum strength for a new password, or the Chinese reason it is refused:
 * at least 10 characters, three of four kinds (lower case, upper case, digits, other), not the username,
 * not a well-known password.
 */
export function passwordWeakness(password: string, username = ""): string | null {
  if (password.length < 10) return "密码至少需要 10 个字符";
  if (password.length > 128) return "密码不能超过 128 个字符";
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (kinds < 3) return "密码需包含小写字母、大写字母、数字、符号中的至少三类";
  const lower = password.toLowerCase();
  if (username && lower.includes(username.toLowerCase())) return "密码不能包含用户名";
  if (COMMON_PASSWORDS.has(lower)) return "该密码过于常见，请换一个";
  return null;
}

/**
 * A random one-time initial password an office can read out or print (issue 13, docs/decisions/0091, 0152): four
 * lower-case letters, four capitals and four digits in groups (e.g. kmrt-QWXZ-4827), 14 characters of four kinds;
 * letters and digits that look alike are left out. Shown once, stored only hashed; the account changes it at its
 * first sign-in (users.must_change_password).
 */
export function initialPassword(): string {
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");
  return `${pick("abcdefghjkmnpqrstuvwxyz", 4)}-${pick("ABCDEFGHJKLMNPQRSTUVWXYZ", 4)}-${pick("23456789", 4)}`;
}
