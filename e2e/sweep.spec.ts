import { expect, test, type APIRequestContext } from "@playwright/test";
import { insert, login, makeInquiry, makeItem, makeMeeting, queryAll, unique } from "./fixtures";

/**
 * Issue 16: a small repeat of the security review's sweeps against the built server.
 * 1. Access: every inquiry page and record of the demo inquiry (1) and of an inquiry nobody but staff takes
 *    part in, as an outsider member, a department, a county and anonymously: no 5xx; the outsider, department
 *    and county never get a 200 on the other inquiry's whole-inquiry pages; staff always 200.
 * 2. Hostile input: ids and organisation ids written as 0x10, 1e3, +1, " 1", -1, 1.0, huge, "" and text, in
 *    URLs and forms: no 5xx, and nothing changed in the database.
 * The figures are printed (test.info annotations) for the report.
 */
const HOSTILE_IDS = ["0x10", "1e3", "+1", " 1", "-1", "1.0", "99999999999999999999", "", "x", "1;drop", "%00"];

async function status(request: APIRequestContext, method: "GET" | "POST", path: string, form?: Record<string, string>) {
  const r = method === "GET" ? await request.get(path, { maxRedirects: 0 }) : await request.post(path, { form, maxRedirects: 0 });
  return r.status();
}

test("access sweep: no 5xx, no whole-inquiry page of a foreign inquiry for members, departments, counties or anonymous", async ({ browser, playwright, baseURL }) => {
  const now = new Date().toISOString();
  const other = await insert("insert into inquiries (title, congress, created_at, updated_at) values (?, '焦作市人大常委会', ?, ?)", [unique("扫描询问"), now, now]);
  const outsider = unique("outsider");
  await insert(
    "insert into users (username, display_name, role, organization_id, title, password_hash, password_changed_at, created_at, updated_at) select ?, '局外委员', 'member', null, '', password_hash, ?, ?, ? from users where username = 'member'",
    [outsider, now, now, now],
  );
  const pages = ["", "/plan", "/research", "/surveys", "/outline", "/outline/versions", "/outline/print", "/outline.docx", "/meeting", "/meeting/votes", "/digest", "/digest.docx", "/rectification", "/rectification.xlsx", "/handling-report", "/close", "/edit"];
  const [item] = await queryAll<{ id: number }>("select id from rectification_items where inquiry_id = 1 limit 1");
  const [attachment] = await queryAll<{ id: number }>("select id from attachments where inquiry_id = 1 limit 1");
  const records = [`/rectification/${item.id}`, ...(attachment ? [`/attachments/${attachment.id}`] : [])];
  const roles = ["staff", outsider, "health", "county", null] as const;
  let cases = 0;
  let fiveHundreds = 0;
  let leaks = 0;
  // the five roles sweep side by side (each in its own context), one request at a time each: the server's
  // in-flight limit is far above five, and the sweep's wall time is a fifth of one after another
  const sweep = async (role: (typeof roles)[number]) => {
    let request: APIRequestContext;
    let close: () => Promise<void>;
    if (role) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await login(page, role);
      request = page.request;
      close = () => context.close();
    } else {
      request = await playwright.request.newContext({ baseURL });
      close = () => request.dispose();
    }
    for (const inquiry of [1, other]) {
      for (const p of pages) {
        const s = await status(request, "GET", `/inquiries/${inquiry}${p}`);
        cases++;
        if (s >= 500) fiveHundreds++;
        const foreign = inquiry === other && role !== "staff";
        if (foreign && s === 200 && !(p === "/digest" && role === null)) leaks++;
        // staff are never refused (a page of a stage not reached yet may be 404)
        if (role === "staff") expect([403, 401].includes(s) || s >= 500, `staff /inquiries/${inquiry}${p} → ${s}`).toBe(false);
      }
    }
    for (const path of records) {
      const s = await status(request, "GET", path);
      cases++;
      if (s >= 500) fiveHundreds++;
      if (role === outsider && s === 200) leaks++;
    }
    await close();
  };
  await Promise.all(roles.map(sweep));
  test.info().annotations.push({ type: "access sweep", description: `${cases} GETs, ${fiveHundreds} × 5xx, ${leaks} leaks` });
  console.log(`access sweep: ${cases} GETs, ${fiveHundreds} × 5xx, ${leaks} leaks`);
  expect(fiveHundreds).toBe(0);
  expect(leaks).toBe(0);
});

test("hostile-input sweep: ids and organisation ids in URLs and forms never give 5xx and change nothing", async ({ page }) => {
  // an inquiry of its own with a meeting, an exchange and an item: the fingerprint counts its rows only, which
  // no other test writes to (the other worker adds items and exchanges elsewhere at the same time)
  const { id } = await makeInquiry({ stage: "meeting", departments: ["市卫生健康委员会"] });
  const { segments } = await makeMeeting(id, { exchanges: [{ keyword: "健康扶贫", question: "如何解决因病致贫？", department: "市卫生健康委员会", answer: "我们将做实家庭医生签约。" }] });
  await makeItem(id, { problem: unique("扫描整改事项"), lead: "市卫生健康委员会" });
  await login(page, "staff");
  const fingerprint = async () =>
    JSON.stringify(
      await queryAll(
        `select (select count(*) from meeting_turns where segment_id in (select id from meeting_segments where inquiry_id = ?1)) t,
                (select count(*) from meeting_segments where inquiry_id = ?1) s, (select count(*) from rectification_items where inquiry_id = ?1) r,
                (select count(*) from written_replies where inquiry_id = ?1) w, (select count(*) from outline_questions where inquiry_id = ?1) q,
                (select group_concat(organization_id) from meeting_turns where segment_id in (select id from meeting_segments where inquiry_id = ?1)) o,
                (select count(*) from votes where inquiry_id = ?1) v`,
        [id],
      ),
    );
  const before = await fingerprint();
  const segment = { id: segments[0] };
  let cases = 0;
  let fiveHundreds = 0;
  const failures: string[] = [];
  const check = (label: string, s: number) => {
    cases++;
    if (s >= 500) {
      fiveHundreds++;
      failures.push(`${label} → ${s}`);
    }
  };
  for (const bad of HOSTILE_IDS) {
    const enc = encodeURIComponent(bad);
    for (const path of [`/inquiries/${enc}`, `/inquiries/${enc}/outline`, `/inquiries/${enc}/meeting`, `/rectification/${enc}`, `/surveys/${enc}`, `/votes/${enc}`, `/written-replies/${enc}`, `/attachments/${enc}`, `/inquiries/${id}/research/${enc}`, `/inquiries/${id}/meeting/segments/${enc}`, `/search?q=扶贫&inquiry=${enc}`]) {
      check(`GET ${path}`, await status(page.request, "GET", path));
    }
    const forms: [string, Record<string, string>][] = [
      [`/inquiries/${id}/meeting/segments/${segment.id}`, { intent: "writtenReply", departmentId: bad, questionText: "问题", dueDate: "2031-01-01" }],
      [`/inquiries/${id}/meeting/segments/${segment.id}`, { intent: "delete", version: bad }],
      [`/inquiries/${id}/meeting/entry`, { intent: "exchange", questionerName: "甲", departmentId: bad, question: "问" }],
      [`/inquiries/${id}/meeting/entry`, { intent: "exchange", questionerName: "甲", departmentId: "2", question: "问", chainJson: JSON.stringify([{ kind: "answer", speakerName: "x", organizationId: bad, body: "y" }]) }],
      [`/inquiries/${id}/meeting`, { intent: "speech", kind: "report", speakerName: "甲", organizationId: bad, body: "汇报" }],
      [`/inquiries/${id}/meeting/votes`, { intent: "close", voteId: bad }],
      [`/inquiries/${id}/rectification/new`, { problem: "问题", leadDepartmentId: bad, deadline: "2031-01-01", coDepartmentIds: bad }],
      [`/inquiries/${id}/outline`, { intent: "add_question", revision: bad, keywordId: bad, departmentId: bad, text: "问" }],
      ["/notifications", { id: bad }],
    ];
    for (const [path, form] of forms) {
      // an empty optional unit is a valid speech or chain row: only the non-empty hostile values are refusals
      if (bad === "" && (form.intent === "speech" || form.chainJson)) continue;
      check(`POST ${path} ${JSON.stringify(form)}`, await status(page.request, "POST", path, form));
    }
  }
  const after = await fingerprint();
  test.info().annotations.push({ type: "hostile sweep", description: `${cases} requests, ${fiveHundreds} × 5xx` });
  console.log(`hostile-input sweep: ${cases} requests, ${fiveHundreds} × 5xx${failures.length ? `: ${failures.slice(0, 5).join("; ")}` : ""}`);
  expect(failures).toEqual([]);
  expect(after).toBe(before);
});
