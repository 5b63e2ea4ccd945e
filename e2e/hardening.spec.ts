import { expect, test } from "@playwright/test";
import { insert, login, makeInquiry, makeMeeting, queryAll, typeRichText, unique } from "./fixtures";

/** Issue 16: member scope, content security policy and caching, hostile input that used to give 500s. */

async function newInquiry(title: string, organizingBody = "", meetingDate: string | null = null): Promise<number> {
  const now = new Date().toISOString();
  return insert("insert into inquiries (title, congress, organizing_body, meeting_date, created_at, updated_at) values (?, '焦作市人大常委会', ?, ?, ?, ?)", [
    title,
    organizingBody,
    meetingDate,
    now,
    now,
  ]);
}

test("a member reads the inquiries they take part in and gets 403 for the others", async ({ page }) => {
  const title = unique("未参与的询问");
  // held in 2020 like the demo inquiry: the list filtered to 2020 shows the demo and must not show this one (the
  // unfiltered list pages, and the other tests' inquiries push the demo's off its first page)
  const other = await newInquiry(title, "", "2020-10-15");
  const item = await insert(
    "insert into rectification_items (inquiry_id, number, problem, lead_department_id, deadline, original_deadline, created_at, updated_at) select ?, 1, '别的问题', id, '2031-01-01', '2031-01-01', ?, ? from organizations where kind = 'department' limit 1",
    [other, new Date().toISOString(), new Date().toISOString()],
  );
  await login(page, "member");
  // the demo inquiry: 马爱国 is a questioner there
  expect((await page.goto("/inquiries/1"))?.status()).toBe(200);
  await page.goto("/inquiries?year=2020");
  await expect(page.getByRole("link", { name: "全市脱贫攻坚工作专题询问" }).first()).toBeVisible();
  await expect(page.getByText(title)).toHaveCount(0);
  for (const path of [`/inquiries/${other}`, `/inquiries/${other}/plan`, `/inquiries/${other}/outline`, `/inquiries/${other}/meeting`, `/inquiries/${other}/research`, `/inquiries/${other}/rectification`, `/rectification/${item}`, `/inquiries/${other}/rectification.xlsx`]) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(403);
  }
  const forbidden = await page.goto(`/inquiries/${other}`);
  expect(forbidden?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "无权访问" })).toBeVisible();
  // staff still read it
  const staff = await page.context().browser()!.newContext();
  const staffPage = await staff.newPage();
  await login(staffPage, "staff");
  expect((await staffPage.goto(`/inquiries/${other}`))?.status()).toBe(200);
  await staff.close();
});

test("pages carry a nonce CSP and no-store when signed in, still hydrate, and the Lexical editor works", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const anonymous = await page.goto("/login");
  const csp = anonymous!.headers()["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
  expect(csp).toContain("object-src 'none'");
  expect(anonymous!.headers()["cache-control"]).toBe("no-cache");
  const again = await page.request.get("/login");
  expect(again.headers()["content-security-policy"]).not.toBe(csp); // a fresh nonce per page

  await login(page, "staff");
  const id = await newInquiry(unique("CSP 测试询问"));
  const response = await page.goto(`/inquiries/${id}/plan`);
  expect(response!.headers()["cache-control"]).toBe("private, no-store");
  // hydrated: client-side navigation and the rich-text editor (React + Lexical) run
  const editor = page.getByTestId("rte-plan");
  await typeRichText(page, editor, "一、询问主题：乡村振兴。");
  await page.getByRole("button", { name: "加粗 (Ctrl+B)" }).click();
  await page.keyboard.type("加粗文字");
  await expect(editor.locator("strong, b, .rt-bold").first()).toContainText("加粗文字");
  const data = await page.request.get(`/inquiries/${id}/plan.data`);
  expect(data.status()).toBe(200);
  expect(data.headers()["cache-control"]).toBe("private, no-store");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "专题询问" }).click();
  await expect(page).toHaveURL(/\/inquiries$/);
  expect(violations).toEqual([]);
});

test("hostile ids and organisations are refused with 4xx and change nothing", async ({ page }) => {
  await login(page, "staff");
  // 0x10 and friends are not ids
  for (const path of ["/inquiries/0x1", "/inquiries/1e0", "/inquiries/+1", "/rectification/0x1"]) {
    expect((await page.request.get(path)).status(), path).toBe(404);
  }
  // an exchange of the test's own (no other test's edits of the demo meeting can move its version)
  const { id: inquiryId } = await makeInquiry({ stage: "meeting" });
  const { segments } = await makeMeeting(inquiryId, { exchanges: [{ keyword: "健康扶贫", question: "如何解决因病致贫？", department: "市卫生健康委员会", answer: "做实家庭医生签约。" }] });
  const [segment] = await queryAll<{ id: number; version: number; keyword: string; headline: string; questioner_name: string; questioner_role: string; department_id: number }>(
    "select id, version, keyword, headline, questioner_name, questioner_role, department_id from meeting_segments where id = ?",
    [segments[0]],
  );
  const turns = await queryAll<{ id: number; kind: string; speaker_name: string; speaker_title: string; organization_id: number | null; body_text: string }>(
    "select id, kind, speaker_name, speaker_title, organization_id, body_text from meeting_turns where segment_id = ? order by position",
    [segment.id],
  );
  const [county] = await queryAll<{ id: number }>("select id from organizations where kind = 'county_congress' limit 1");
  const before = JSON.stringify(turns);
  for (const bad of ["99999", "x", String(county.id), "0x5"]) {
    const form = new URLSearchParams({
      intent: "update",
      version: String(segment.version),
      keyword: segment.keyword,
      headline: segment.headline,
      questionerName: segment.questioner_name,
      questionerRole: segment.questioner_role,
      departmentId: String(segment.department_id),
    });
    for (const t of turns) {
      form.append("turnId", String(t.id));
      form.append("turnSpeaker", t.speaker_name);
      form.append("turnTitle", t.speaker_title);
      form.append("turnOrg", t.kind === "answer" ? bad : t.organization_id === null ? "" : String(t.organization_id));
      form.append("turnBody", t.body_text);
    }
    const response = await page.request.post(`/inquiries/${inquiryId}/meeting/segments/${segment.id}`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      data: form.toString(),
      maxRedirects: 0,
    });
    expect(response.status(), bad).toBe(400);
  }
  const after = await queryAll("select id, kind, speaker_name, speaker_title, organization_id, body_text from meeting_turns where segment_id = ? order by position", [segment.id]);
  expect(JSON.stringify(after)).toBe(before);

  // an exchange chain naming a unit that does not exist
  const response = await page.request.post(`/inquiries/${inquiryId}/meeting/entry`, {
    form: {
      intent: "exchange",
      questionerName: "赵朝阳",
      departmentId: String(segment.department_id),
      question: "测试问题",
      chainJson: JSON.stringify([{ kind: "answer", speakerName: "x", organizationId: 99999, body: "y" }]),
    },
  });
  expect(response.status()).toBe(400);
});
