import { expect, test } from "@playwright/test";
import { execute, login, makeCounty, makeInquiry, makeItem, makeSurvey, queryAll, shanghaiDate, signedIn, typeRichText, unique } from "./fixtures";

/**
 * Multi-level delegation and roll-up (issue 21): a county forwards to its township, the township reports, the
 * county accepts and compiles, the city sees who answered; a township of another county is refused.
 */
test("a county forwards an item to a township account, which reports; the county compiles; the city sees the roll-up", async ({ browser, page }) => {
  const c = await makeCounty();
  // the township's parent is set by the administrator on the organisations page
  await execute("update organizations set parent_id = null where id = ?", [c.township.id]);
  await login(page, "admin");
  await page.goto("/admin/organizations");
  const row = page.getByTestId(`org-${c.township.id}`);
  await row.getByLabel("上级单位").selectOption(String(c.congress.id));
  await row.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText(`已保存「${c.township.name}」`)).toBeVisible();
  expect((await queryAll<{ parent_id: number }>("select parent_id from organizations where id = ?", [c.township.id]))[0].parent_id).toBe(c.congress.id);

  const inquiry = await makeInquiry({ stage: "rectification", meetingDate: shanghaiDate(-30) });
  const problem = unique("农村低保动态管理不到位");
  const item = await makeItem(inquiry.id, { problem, lead: c.government.name });

  // the county opens its county's item and forwards it
  const county = await signedIn(browser, c.county);
  await county.goto("/my");
  await county.getByTestId("my-county-items").getByRole("link", { name: new RegExp(problem.slice(0, 10)) }).click();
  await expect(county).toHaveURL(new RegExp(`/rectification/${item.id}$`));
  const card = county.getByTestId("forwarding");
  // a bad date is refused next to its field, the choice kept
  await card.getByLabel("下级单位").selectOption(String(c.township.id));
  await card.getByLabel("截止日期").fill("2001-01-01");
  await card.getByLabel("下转要求").fill("请核实本镇低保对象并报送整改情况");
  await card.getByRole("button", { name: "下转" }).click();
  await expect(county.getByText("截止日期不能早于今天")).toBeVisible();
  await expect(county.getByTestId("forwarding").getByLabel("下转要求")).toHaveValue("请核实本镇低保对象并报送整改情况");
  await county.getByTestId("forwarding").getByLabel("截止日期").fill(shanghaiDate(10));
  await county.getByTestId("forwarding").getByRole("button", { name: "下转" }).click();
  await expect(county.getByTestId("rollup")).toContainText(c.township.name);
  await expect(county.getByTestId("rollup")).toContainText("待报送");

  // the township sees only what was forwarded to it: not the item itself
  const township = await signedIn(browser, c.townshipAccount);
  const refused = await township.goto(`/rectification/${item.id}`);
  expect(refused?.status()).toBe(403);
  await township.goto("/my");
  await township.getByTestId("my-received").getByRole("link", { name: "整改事项" }).click();
  await expect(township.getByTestId("forwarded-summary")).toContainText(problem);
  const report = `城关镇已完成 ${unique("")} 户低保对象复核`;
  await typeRichText(township, township.getByTestId("rte-report"), report);
  await township.getByRole("button", { name: "报送", exact: true }).click();
  await expect(township.getByTestId("forwarding-status")).toHaveText("已报送");
  const forwardedUrl = township.url();

  // the city: who answered, not the text
  const staff = await signedIn(browser, "staff");
  await staff.goto(`/rectification/${item.id}`);
  await expect(staff.getByTestId("rollup")).toContainText(c.township.name);
  await expect(staff.getByTestId("rollup")).toContainText("已报送");
  await expect(staff.getByTestId("rollup-summary")).toContainText("已下转 1 个单位，已报送 1 个");
  await expect(staff.getByText(report)).toHaveCount(0);
  await staff.goto(forwardedUrl);
  await expect(staff.getByText("报告由下转单位审阅汇总，此处只显示办理状态。")).toBeVisible();
  await expect(staff.getByText(report)).toHaveCount(0);

  // the county accepts and compiles into the item's progress
  await county.goto(forwardedUrl);
  await expect(county.getByText(report)).toBeVisible();
  await county.getByRole("button", { name: "采纳报告" }).click();
  await expect(county.getByTestId("forwarding-status")).toHaveText("已采纳");
  await county.goto(`/rectification/${item.id}`);
  await expect(county.getByTestId("forwarding").getByLabel("汇总内容")).toHaveValue(`【${c.township.name}】${report}`);
  await county.getByTestId("forwarding").getByRole("button", { name: "汇总" }).click();
  await expect(county.getByText("已汇总为本单位的整改进展")).toBeVisible();
  await expect(county.getByTestId("rollup")).toContainText("已汇总");

  // the city reads the county's compiled answer as the item's progress
  await staff.goto(`/rectification/${item.id}`);
  await expect(staff.getByText(`【${c.township.name}】${report}`)).toBeVisible();
  await expect(staff.getByTestId("rollup")).toContainText("已采纳");
});

test("a township cannot open another county's item or forwarding (403)", async ({ browser }) => {
  const a = await makeCounty("甲县");
  const b = await makeCounty("乙县");
  const inquiry = await makeInquiry({ stage: "rectification", meetingDate: shanghaiDate(-30) });
  const item = await makeItem(inquiry.id, { problem: unique("农田水利设施管护不力"), lead: a.government.name });
  const now = new Date().toISOString();
  await execute(
    "insert into forwardings (subject_type, subject_id, inquiry_id, from_organization_id, to_organization_id, due_date, created_at, updated_at) values ('item', ?, ?, ?, ?, ?, ?, ?)",
    [item.id, inquiry.id, a.congress.id, a.township.id, shanghaiDate(10), now, now],
  );
  const [{ id: forwardingId }] = await queryAll<{ id: number }>("select id from forwardings where subject_id = ? and subject_type = 'item'", [item.id]);
  const other = await signedIn(browser, b.townshipAccount);
  expect((await other.goto(`/rectification/${item.id}`))?.status()).toBe(403);
  expect((await other.goto(`/forwarded/${forwardingId}`))?.status()).toBe(403);
  const otherCounty = await signedIn(browser, b.county);
  expect((await otherCounty.goto(`/rectification/${item.id}`))?.status()).toBe(403);
  // a forged forward from the other county changes nothing
  const forged = await otherCounty.request.post(`/rectification/${item.id}`, { form: { intent: "forward", toOrganizationId: String(b.township.id), dueDate: shanghaiDate(5) } });
  expect(forged.status()).toBe(403);
  expect(await queryAll("select id from forwardings where subject_id = ? and subject_type = 'item'", [item.id])).toHaveLength(1);
  // the township it went to reads it
  const mine = await signedIn(browser, a.townshipAccount);
  expect((await mine.goto(`/forwarded/${forwardingId}`))?.status()).toBe(200);
});

test("survey forwarding: the county forwards a delegated survey, the township reports, the county compiles into its draft and submits", async ({ browser }) => {
  const c = await makeCounty("丙县");
  const inquiry = await makeInquiry({ stage: "research" });
  const title = unique("乡村振兴委托调研");
  const survey = await makeSurvey(inquiry.id, { title, counties: [c.congress.name] });
  const delegationId = survey.delegations[c.congress.name];

  const county = await signedIn(browser, c.county);
  await county.goto(`/surveys/${delegationId}`);
  const card = county.getByTestId("forwarding");
  await card.getByLabel("下级单位").selectOption(String(c.township.id));
  await card.getByLabel("截止日期").fill(shanghaiDate(7));
  await card.getByRole("button", { name: "下转" }).click();
  await expect(county.getByTestId("rollup")).toContainText("待报送");

  const township = await signedIn(browser, c.townshipAccount);
  await township.goto("/my");
  await township.getByTestId("my-received").getByRole("link", { name: "委托调研" }).click();
  const text = `城关镇调研：${unique("产业项目")}运行良好`;
  await typeRichText(township, township.getByTestId("rte-report"), text);
  await township.getByRole("button", { name: "报送", exact: true }).click();
  await expect(township.getByTestId("forwarding-status")).toHaveText("已报送");
  expect((await township.goto(`/surveys/${delegationId}`))?.status()).toBe(403);

  // the city: the roll-up, not the county's draft
  const staff = await signedIn(browser, "staff");
  await staff.goto(`/surveys/${delegationId}`);
  await expect(staff.getByTestId("rollup")).toContainText("已报送");

  await county.goto(`/forwarded/${(await queryAll<{ id: number }>("select id from forwardings where subject_type = 'delegation' and subject_id = ?", [delegationId]))[0].id}`);
  await county.getByRole("button", { name: "采纳报告" }).click();
  await expect(county.getByTestId("forwarding-status")).toHaveText("已采纳");
  await county.goto(`/surveys/${delegationId}`);
  await county.getByTestId("forwarding").getByRole("button", { name: "汇总" }).click();
  await expect(county.getByText("已汇总到本单位的调研报告草稿")).toBeVisible();
  await expect(county.getByTestId("rte-report")).toContainText(text);
  await staff.goto(`/surveys/${delegationId}`);
  await expect(staff.getByText(text)).toHaveCount(0);
  await county.getByRole("button", { name: "提交报告" }).click();
  await expect(county.getByTestId("delegation-status")).toHaveText("已提交");
  await staff.goto(`/surveys/${delegationId}`);
  await expect(staff.getByText(text)).toBeVisible();
});
