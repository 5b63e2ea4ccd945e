import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { createCookie } from "@remix-run/node";
import { createHash, randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
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

/**
 * On PostgreSQL (npm run test:e2e:pg sets E2E_DATABASE_URL) the same statements go through a pg pool: `?`
 * placeholders become `$n`, `insert or ignore` becomes `on conflict do nothing`, and an INSERT returns its row.
 */
const PG_URL = process.env.E2E_DATABASE_URL;
let pgPool: pg.Pool | undefined;
function pgQuery(text: string, params: unknown[]) {
  if (!pgPool) {
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, Number);
    types.setTypeParser(pg.types.builtins.NUMERIC, Number);
    pgPool = new pg.Pool({ connectionString: PG_URL, max: 4, types });
    pgPool.on("error", () => {});
  }
  let n = 0;
  let statement = text.replace(/\?/g, () => `$${++n}`);
  if (/^\s*insert\s+or\s+ignore\s+/i.test(statement)) statement = statement.replace(/^\s*insert\s+or\s+ignore\s+/i, "insert ") + " on conflict do nothing";
  return pgPool.query(statement, params);
}

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
  if (PG_URL) return (await pgQuery(sql, params)).rowCount ?? 0;
  return (await run(sql, params))?.changes ?? 0;
}

/** Runs one INSERT; resolves to the new row's id. */
export async function insert(sql: string, params: unknown[] = []): Promise<number> {
  if (PG_URL) return (await pgQuery(`${sql} returning *`, params)).rows[0]?.id;
  return (await run(sql, params))?.lastID;
}

export function queryAll<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  if (PG_URL) return pgQuery(sql, params).then((r) => r.rows as T[]);
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

// ---- records of a test's own (other spec files run at the same time on the same server) ----
//
// A test that counts, lists or pages something makes what it counts here instead of reading the demo inquiry's
// figures, which the other worker changes while the test runs (docs/decisions/0070). Setup goes straight into
// the database when another test already covers the pages that would make it.

const nowIso = () => new Date().toISOString();

/** The id of an organisation by its exact name (the demo's or one a test made). */
export async function orgId(name: string): Promise<number> {
  const [row] = await queryAll<{ id: number }>("select id from organizations where name = ?", [name]);
  if (!row) throw new Error(`no organisation ${name} in the e2e database`);
  return row.id;
}

/** A new organisation with a unique name (`prefix` + run suffix). */
export async function makeOrganization(kind: "department" | "county_congress" | "congress_office", prefix: string): Promise<{ id: number; name: string }> {
  const name = unique(prefix);
  const now = nowIso();
  const id = await insert("insert into organizations (name, kind, sort_order, created_at, updated_at) values (?, ?, 900, ?, ?)", [name, kind, now, now]);
  return { id, name };
}

/**
 * A new active account with the demo password (the demo accounts' hash is reused: no slow hashing), for a test
 * whose notifications, queue, audit entries or sign-in throttle must be its own. Sign it in with `login`.
 */
export async function makeAccount(
  role: "admin" | "staff" | "member" | "department" | "county",
  opts: { organizationId?: number | null; displayName?: string; title?: string; prefix?: string } = {},
): Promise<{ id: number; username: string; displayName: string }> {
  const username = unique(opts.prefix ?? role).toLowerCase().replace(/[^a-z0-9_.-]/g, "");
  const displayName = opts.displayName ?? unique("测试用户");
  const now = nowIso();
  const id = await insert(
    `insert into users (username, display_name, role, organization_id, title, password_hash, password_changed_at, created_at, updated_at)
     select ?, ?, ?, ?, ?, password_hash, ?, ?, ? from users where username = 'staff'`,
    [username, displayName, role, opts.organizationId ?? null, opts.title ?? "", now, now, now],
  );
  return { id, username, displayName };
}

/**
 * A committee (work body) of the test's own with one staff account. The inquiries it organises are managed by
 * that account alone (policy: canManageThisInquiry), so their queue rows, notifications to staff and 催办 are
 * the test's own and can be counted exactly.
 */
export async function makeCommittee(): Promise<{ name: string; organizationId: number; staff: string; staffId: number; staffName: string }> {
  const org = await makeOrganization("congress_office", "市人大常委会测试工作委员会");
  const account = await makeAccount("staff", { organizationId: org.id, displayName: unique("工作人员"), prefix: "steward" });
  return { name: org.name, organizationId: org.id, staff: account.username, staffId: account.id, staffName: account.displayName };
}

export type Stage = "plan" | "research" | "outline" | "meeting" | "rectification";

/**
 * An inquiry of the test's own at `stage`, written into the database as the pages leave it: past the plan stage
 * its plan is approved. `departments` are the responding organisations (names). Default organising body: the
 * demo committee (so the demo staff account manages it and the demo member reads it).
 */
export async function makeInquiry(
  opts: { title?: string; stage?: Stage; organizingBody?: string; meetingDate?: string | null; departments?: string[]; createdBy?: string } = {},
): Promise<{ id: number; title: string }> {
  const title = opts.title ?? unique("测试专题询问");
  const stage = opts.stage ?? "research";
  const now = nowIso();
  const createdBy = opts.createdBy ? (await queryAll<{ id: number }>("select id from users where username = ?", [opts.createdBy]))[0]?.id ?? null : null;
  const id = await insert(
    `insert into inquiries (title, topic, congress, organizing_body, meeting_date, stage, plan_status, created_by, created_at, updated_at)
     values (?, ?, '焦作市人大常委会', ?, ?, ?, ?, ?, ?, ?)`,
    [title, `${title}主题`, opts.organizingBody ?? "市人大常委会农业农村工作委员会", opts.meetingDate ?? null, stage, stage === "plan" ? "draft" : "approved", createdBy, now, now],
  );
  for (const name of opts.departments ?? []) {
    await insert("insert into inquiry_organizations (inquiry_id, organization_id) values (?, ?)", [id, await orgId(name)]);
  }
  return { id, title };
}

/** One paragraph of rich text as the editor stores it (Lexical JSON, plain text, server HTML). */
export function richText(text: string): { json: string; text: string; html: string } {
  const json = JSON.stringify({
    root: {
      children: [
        {
          children: [{ detail: 0, format: 0, mode: "normal", style: "", text, type: "text", version: 1 }],
          direction: "ltr",
          format: "",
          indent: 0,
          type: "paragraph",
          version: 1,
        },
      ],
      direction: "ltr",
      format: "",
      indent: 0,
      type: "root",
      version: 1,
    },
  });
  const html = `<p>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</p>`;
  return { json, text, html };
}

export interface ExchangeSpec {
  keyword: string;
  headline?: string;
  questioner?: [name: string, role: string];
  question: string;
  department: string;
  official?: [name: string, title: string];
  answer: string;
}

/**
 * A meeting record of the inquiry: its date, officials and exchanges (question + answer each), in order.
 * `published` publishes the digest (the public page). Returns the meeting and its exchanges' segment ids.
 */
export async function makeMeeting(
  inquiryId: number,
  opts: { exchanges: ExchangeSpec[]; date?: string; voteMode?: "none" | "answer" | "department"; secret?: boolean; published?: boolean; digestTitle?: string },
): Promise<{ meetingId: number; segments: number[]; departmentIds: Record<string, number> }> {
  const now = nowIso();
  const date = opts.date ?? shanghaiDate(0);
  const meetingId = await insert(
    `insert into meetings (inquiry_id, meeting_date, place, vote_mode, vote_secret, digest_title, digest_published_at, created_at, updated_at)
     values (?, ?, '第一会议室', ?, ?, ?, ?, ?, ?)`,
    [inquiryId, date, opts.voteMode ?? "answer", opts.secret === false ? 0 : 1, opts.digestTitle ?? "", opts.published ? now : null, now, now],
  );
  await execute("update inquiries set meeting_date = ? where id = ?", [date, inquiryId]);
  const departmentIds: Record<string, number> = {};
  const officials = new Set<string>();
  const segments: number[] = [];
  for (const [i, e] of opts.exchanges.entries()) {
    const departmentId = (departmentIds[e.department] ??= await orgId(e.department));
    const [officialName, officialTitle] = e.official ?? ["杨吉喜", "主任"];
    const [questioner, questionerRole] = e.questioner ?? ["马爱国", "市人大常委会委员"];
    if (!officials.has(`${departmentId}/${officialName}`)) {
      officials.add(`${departmentId}/${officialName}`);
      await insert("insert into meeting_officials (meeting_id, organization_id, name, title, position) values (?, ?, ?, ?, ?)", [meetingId, departmentId, officialName, officialTitle, officials.size]);
      await execute("insert or ignore into inquiry_organizations (inquiry_id, organization_id) values (?, ?)", [inquiryId, departmentId]);
    }
    const segmentId = await insert(
      `insert into meeting_segments (meeting_id, inquiry_id, kind, position, keyword, headline, unplanned, questioner_name, questioner_role, department_id, created_at, updated_at)
       values (?, ?, 'exchange', ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
      [meetingId, inquiryId, i + 1, e.keyword, e.headline ?? "", questioner, questionerRole, departmentId, now, now],
    );
    const question = richText(e.question);
    const answer = richText(e.answer);
    await insert(
      `insert into meeting_turns (segment_id, position, kind, speaker_name, speaker_title, organization_id, body_json, body_text, body_html, created_at, updated_at)
       values (?, 1, 'question', ?, ?, null, ?, ?, ?, ?, ?)`,
      [segmentId, questioner, questionerRole, question.json, question.text, question.html, now, now],
    );
    await insert(
      `insert into meeting_turns (segment_id, position, kind, speaker_name, speaker_title, organization_id, body_json, body_text, body_html, created_at, updated_at)
       values (?, 2, 'answer', ?, ?, ?, ?, ?, ?, ?, ?)`,
      [segmentId, officialName, officialTitle, departmentId, answer.json, answer.text, answer.html, now, now],
    );
    segments.push(segmentId);
  }
  return { meetingId, segments, departmentIds };
}

/**
 * A rectification item of the inquiry, numbered after the inquiry's last (one statement, so two inserts never
 * take the same number). `deadline` defaults to 60 days on.
 */
export async function makeItem(
  inquiryId: number,
  opts: { problem: string; lead: string; deadline?: string; status?: "todo" | "in_progress" | "closure_requested" | "closed"; requirement?: string },
): Promise<{ id: number; number: number }> {
  const now = nowIso();
  const deadline = opts.deadline ?? shanghaiDate(60);
  const id = await insert(
    `insert into rectification_items (inquiry_id, number, problem, requirement, lead_department_id, deadline, original_deadline, status, closed_at, created_at, updated_at)
     select ?, coalesce(max(number), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ? from rectification_items where inquiry_id = ?`,
    [inquiryId, opts.problem, opts.requirement ?? "", await orgId(opts.lead), deadline, deadline, opts.status ?? "todo", opts.status === "closed" ? now : null, now, now, inquiryId],
  );
  const [{ number }] = await queryAll<{ number: number }>("select number from rectification_items where id = ?", [id]);
  return { id, number };
}

/**
 * Opens the paged list at `path` and follows 下一页 until a row holding `text` shows; returns that row. For lists
 * every test adds to (inquiries, ledgers), where a record of this test's own may sit on any page.
 */
export async function rowInPagedList(page: Page, path: string, text: string): Promise<Locator> {
  await page.goto(path);
  for (;;) {
    const row = page.locator("tr", { hasText: text });
    if ((await row.count()) > 0) return row.first();
    const next = page.getByRole("link", { name: "下一页" });
    if ((await next.count()) === 0) throw new Error(`「${text}」 is on no page of ${path}`);
    const url = page.url();
    await next.first().click();
    await expect(page).not.toHaveURL(url);
    await page.waitForLoadState();
  }
}

/** A handling report (研究处理情况报告) round of the inquiry, as the government submitted it. */
export async function makeHandlingReport(
  inquiryId: number,
  opts: { body: string; status?: "submitted" | "accepted"; round?: number; dueDate?: string; submittedOn?: string },
): Promise<number> {
  const now = nowIso();
  const body = richText(opts.body);
  // submitted (10 a.m. Shanghai) on `submittedOn`, ten days ago by default: a 审议 is dated on or after it
  const submittedAt = `${opts.submittedOn ?? shanghaiDate(-10)}T02:00:00.000Z`;
  return insert(
    `insert into handling_reports (inquiry_id, round, due_date, body_json, body_text, body_html, status, submitted_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [inquiryId, opts.round ?? 1, opts.dueDate ?? shanghaiDate(-5), body.json, body.text, body.html, opts.status ?? "submitted", submittedAt, now, now],
  );
}

/**
 * A survey request of the inquiry delegated to county congresses (names). A county given in `reports` has
 * submitted that report text; the others have not started.
 */
export async function makeSurvey(
  inquiryId: number,
  opts: { title: string; counties: string[]; dueDate?: string; brief?: string; reports?: Record<string, string> },
): Promise<{ requestId: number; delegations: Record<string, number> }> {
  const now = nowIso();
  const brief = richText(opts.brief ?? "请按时报送调研报告。");
  const requestId = await insert(
    "insert into survey_requests (inquiry_id, title, due_date, brief_json, brief_text, brief_html, created_at) values (?, ?, ?, ?, ?, ?, ?)",
    [inquiryId, opts.title, opts.dueDate ?? shanghaiDate(20), brief.json, brief.text, brief.html, now],
  );
  const delegations: Record<string, number> = {};
  for (const county of opts.counties) {
    const text = opts.reports?.[county];
    const report = richText(text ?? "");
    delegations[county] = await insert(
      `insert into survey_delegations (request_id, inquiry_id, organization_id, status, report_json, report_text, report_html, submitted_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [requestId, inquiryId, await orgId(county), text ? "submitted" : "pending", text ? report.json : "", text ? report.text : "", text ? report.html : "", text ? now : null, now, now],
    );
  }
  return { requestId, delegations };
}

export interface OutlineKeywordSpec {
  keyword: string;
  headline?: string;
  questions: { text: string; department: string; questioner?: [name: string, role: string] }[];
}

/**
 * An outline of the inquiry: keywords and their questions in order, as drafting leaves it. `state` "approved"
 * adds version 1 approved by the council (its snapshot is what the Word export and the departments read);
 * "issued" also issues that version to the departments. Returns the questions' ids by their text.
 */
export async function makeOutline(
  inquiryId: number,
  keywords: OutlineKeywordSpec[],
  state: "draft" | "approved" | "issued" = "draft",
): Promise<Record<string, number>> {
  const now = nowIso();
  const ids: Record<string, number> = {};
  const snapshot: { keywords: unknown[] } = { keywords: [] };
  let position = 0;
  for (const [k, spec] of keywords.entries()) {
    const keywordId = await insert("insert into outline_keywords (inquiry_id, keyword, headline, position, created_at, updated_at) values (?, ?, ?, ?, ?, ?)", [
      inquiryId, spec.keyword, spec.headline ?? "", k + 1, now, now,
    ]);
    const questions = [];
    for (const q of spec.questions) {
      const departmentId = await orgId(q.department);
      await execute("insert or ignore into inquiry_organizations (inquiry_id, organization_id) values (?, ?)", [inquiryId, departmentId]);
      const [name, role] = q.questioner ?? ["", ""];
      const id = await insert(
        "insert into outline_questions (inquiry_id, keyword_id, text, department_id, questioner_name, questioner_role, position, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [inquiryId, keywordId, q.text, departmentId, name, role, ++position, now, now],
      );
      ids[q.text] = id;
      questions.push({ id, text: q.text, departmentId, departmentName: q.department, questionerUserId: null, questionerName: name, questionerRole: role, sources: [] });
    }
    snapshot.keywords.push({ id: keywordId, keyword: spec.keyword, headline: spec.headline ?? "", questions });
  }
  if (state !== "draft") {
    const versionId = await insert(
      "insert into outline_versions (inquiry_id, number, status, snapshot_json, submitted_at, decided_on, issued_at) values (?, 1, 'approved', ?, ?, ?, ?)",
      [inquiryId, JSON.stringify(snapshot), now, shanghaiDate(0), state === "issued" ? now : null],
    );
    await execute("update inquiries set outline_status = ?, outline_issued_version_id = ? where id = ?", [state, state === "issued" ? versionId : null, inquiryId]);
  }
  return ids;
}

/**
 * A county of the test's own (issue 21): its congress with a county account, the county's government and a
 * township under it (parent set in the database), each with an account. Other spec files never see its records.
 */
export async function makeCounty(prefix = "测试县"): Promise<{
  congress: { id: number; name: string };
  government: { id: number; name: string };
  township: { id: number; name: string };
  county: string;
  governmentAccount: string;
  townshipAccount: string;
}> {
  const congress = await makeOrganization("county_congress", `${prefix}人大常委会`);
  const government = await makeOrganization("department", `${prefix}人民政府`);
  const township = await makeOrganization("department", `${prefix}城关镇`);
  await execute("update organizations set parent_id = ? where id in (?, ?)", [congress.id, government.id, township.id]);
  const county = (await makeAccount("county", { organizationId: congress.id, prefix: "countyx" })).username;
  const governmentAccount = (await makeAccount("department", { organizationId: government.id, prefix: "countygov" })).username;
  const townshipAccount = (await makeAccount("department", { organizationId: township.id, prefix: "township" })).username;
  return { congress, government, township, county, governmentAccount, townshipAccount };
}
