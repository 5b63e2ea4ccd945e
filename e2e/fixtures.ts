import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { createCookie } from "@remix-run/node";
import { createHash, randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import sqlite3 from "sqlite3";

export const DEMO_PASSWORD = "xunwen-demo";

/** Signs in through the real form and waits for the home page (the sign-in tests use it; others mint). */
export async function loginThroughForm(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

// The session cookie exactly as app/auth/session.server.ts writes it (unsigned; the token's SHA-256 keys the row).
const sessionCookie = createCookie("xunwen_session", { httpOnly: true, sameSite: "lax", path: "/" });

/**
 * Signs `username` in by minting a session (a sessions row and its cookie, as a real sign-in makes them),
 * then opens the home page and waits for it. Skips the sign-in form and its deliberately slow password
 * hash; e2e/auth.spec.ts tests the form itself with loginThroughForm.
 */
export async function login(page: Page, username: string) {
  const [user] = await queryAll<{ id: number }>("SELECT id FROM users WHERE username = ? AND active = 1", [username]);
  if (!user) throw new Error(`no active account ${username} in the e2e database`);
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  await execute("INSERT INTO sessions (id_hash, user_id, created_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)", [
    createHash("sha256").update(token).digest("hex"),
    user.id,
    new Date(now).toISOString(),
    new Date(now + 12 * 3600_000).toISOString(),
    "127.0.0.1",
    "playwright (minted session)",
  ]);
  const header = await sessionCookie.serialize(token);
  const value = header.slice(header.indexOf("=") + 1, header.indexOf(";"));
  const baseURL = new URL(page.url().startsWith("http") ? page.url() : `http://localhost:${process.env.E2E_PORT || 3100}/`);
  await page.context().clearCookies({ name: "xunwen_session" });
  await page.context().addCookies([{ name: "xunwen_session", value, url: baseURL.origin, httpOnly: true, sameSite: "Lax" }]);
  await page.goto("/");
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** A page in a browser context of its own, signed in as `username` (for several users in one test). */
export async function signedIn(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, username);
  return page;
}

export async function logout(page: Page) {
  await page.getByRole("button", { name: "退出" }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** A suffix that keeps names made by one test run apart from another's. */
export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

/** The database file the test server uses (see playwright.config.ts), for setup the UI cannot do quickly. */
export const E2E_DB_PATH = resolve(dirname(fileURLToPath(import.meta.url)), "..", process.env.E2E_DB_PATH || "e2e/.output/e2e.db");

function run(sql: string, params: unknown[]): Promise<sqlite3.RunResult> {
  return new Promise((done, fail) => {
    const db = new sqlite3.Database(E2E_DB_PATH);
    db.configure("busyTimeout", 5000);
    db.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
      const result = this;
      db.close();
      if (error) fail(error);
      else done(result);
    });
  });
}

/** Runs one statement; resolves to the number of rows changed. */
export async function execute(sql: string, params: unknown[] = []): Promise<number> {
  return (await run(sql, params))?.changes ?? 0;
}

/** Runs one INSERT; resolves to the new row's id. */
export async function insert(sql: string, params: unknown[] = []): Promise<number> {
  return (await run(sql, params))?.lastID;
}

export function queryAll<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((done, fail) => {
    const db = new sqlite3.Database(E2E_DB_PATH);
    db.configure("busyTimeout", 5000);
    db.all(sql, params, (error, rows) => {
      db.close();
      if (error) fail(error);
      else done(rows as T[]);
    });
  });
}

/** A calendar date in Asia/Shanghai, `days` from today. */
export function shanghaiDate(days: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/** A small file that is a PDF by its bytes, for upload fields. */
export const pdf = (name: string) => ({
  name,
  mimeType: "application/pdf",
  buffer: Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"),
});

/** Types into a rich-text editor and waits until the text shows. */
export async function typeRichText(page: Page, editor: Locator, text: string) {
  await editor.click();
  await page.keyboard.type(text);
  await expect(editor).toContainText(text);
}

/**
 * Marks an inquiry's work plan approved by the chairpersons' council (as recording the council's decision on the
 * plan page leaves it), for tests of the work that the plan gate holds back until then.
 */
export async function approvePlan(inquiryId: number | string): Promise<void> {
  await execute("update inquiries set plan_status = 'approved', stage = case when stage = 'plan' then 'research' else stage end where id = ?", [Number(inquiryId)]);
}
