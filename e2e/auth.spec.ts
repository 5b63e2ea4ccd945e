import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, insert, login, loginThroughForm, logout, makeAccount, queryAll, unique } from "./fixtures";

const NAVIGATION: Record<string, { shows: string[]; hides: string[]; role: string }> = {
  admin: { shows: ["首页", "专题询问", "用户管理", "组织机构", "审计日志"], hides: ["我的待办"], role: "系统管理员" },
  staff: { shows: ["首页", "专题询问"], hides: ["用户管理", "审计日志", "我的待办"], role: "人大工作人员 · 市人大常委会农业农村工作委员会" },
  member: { shows: ["首页", "专题询问"], hides: ["用户管理", "审计日志", "我的待办"], role: "委员/代表 · 市人大常委会农业农村工作委员会" },
  health: { shows: ["首页", "我的待办"], hides: ["专题询问", "用户管理", "审计日志"], role: "应询部门 · 市卫生健康委员会" },
  education: { shows: ["首页", "我的待办"], hides: ["专题询问", "用户管理"], role: "应询部门 · 市教育局" },
  county: { shows: ["首页", "我的待办"], hides: ["专题询问", "用户管理"], role: "县区人大 · 温县人大常委会" },
  county2: { shows: ["首页", "我的待办"], hides: ["专题询问", "用户管理"], role: "县区人大 · 武陟县人大常委会" },
};

for (const [username, expected] of Object.entries(NAVIGATION)) {
  test(`${username} signs in and sees the navigation of the role`, async ({ page }) => {
    // the sign-in form (and its deliberately slow password hash) once; the other roles' sessions are minted
    if (username === "staff") await loginThroughForm(page, username);
    else await login(page, username);
    await expect(page.getByTestId("home-role")).toHaveText(expected.role);
    const nav = page.getByRole("navigation", { name: "主导航" });
    for (const label of expected.shows) await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
    for (const label of expected.hides) await expect(nav.getByRole("link", { name: label, exact: true })).toHaveCount(0);
    await logout(page);
    // Signed out: the session no longer opens the home page.
    await page.goto("/");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2F/);
  });
}

test("a wrong password, an empty form and hostile usernames get a Chinese message and keep the input", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByText("请输入用户名")).toBeVisible();
  await expect(page.getByText("请输入密码")).toBeVisible();

  await page.getByLabel("用户名").fill("staff");
  await page.getByLabel("密码").fill("not-the-password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert")).toHaveText("用户名或密码错误。");
  await expect(page.getByLabel("用户名")).toHaveValue("staff");

  const hostile = `' OR 1=1; --<script>alert(1)</script>`;
  await page.getByLabel("用户名").fill(hostile);
  await page.getByLabel("密码").fill("x");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert")).toHaveText("用户名或密码错误。");
  await expect(page.getByLabel("用户名")).toHaveValue(hostile);
});

test("an oversized form body is refused with a Chinese message, not a server error", async ({ request }) => {
  const response = await request.post("/login", {
    form: { username: "admin", password: "x".repeat(10 * 1024 * 1024) },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(413);
  expect(await response.text()).toContain("提交的内容过大");
});

test("an attacker's failures slow the attacker; the owner on a known browser signs in at once", async ({ browser }) => {
  // a fresh account (password xunwen-demo), so no other test's account is slowed down
  const username = unique("owner");
  const now = new Date().toISOString();
  await insert(
    "insert into users (username, display_name, role, organization_id, title, password_hash, password_changed_at, created_at, updated_at) select ?, '业主', 'member', null, '', password_hash, ?, ?, ? from users where username = 'member'",
    [username, now, now, now],
  );
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await login(owner, username);
  await logout(owner);

  const attackerContext = await browser.newContext();
  const attacker = await attackerContext.newPage();
  await attacker.goto("/login");
  for (let i = 0; i < 5; i++) {
    await attacker.getByLabel("用户名").fill(username);
    await attacker.getByLabel("密码").fill(`wrong-${i}`);
    await attacker.getByRole("button", { name: "登录" }).click();
    await expect(attacker.getByRole("alert")).toHaveText("用户名或密码错误。");
  }
  // the attacker now waits, even with the right password
  await attacker.getByLabel("用户名").fill(username);
  await attacker.getByLabel("密码").fill(DEMO_PASSWORD);
  await attacker.getByRole("button", { name: "登录" }).click();
  await expect(attacker.getByRole("alert")).toContainText("登录失败次数过多，请");
  await expect(attacker.getByRole("alert")).toContainText("后再试");

  // the owner, from the same address, on the browser that signed in before: straight in
  await login(owner, username);
  await expect(owner.getByTestId("current-user")).toContainText("业主");
  await ownerContext.close();
  await attackerContext.close();
});

test("after sign-in only a path of this site is followed: TAB, newline and outside addresses go home", async ({ page, request, baseURL }) => {
  await page.goto("/login?redirectTo=%2F%09%2Fevil.example%2F");
  await page.getByLabel("用户名").fill("member");
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  expect(new URL(page.url()).pathname).toBe("/");
  for (const redirectTo of ["/\n/x", "/\t/evil.example/", "//evil.example/", "https://evil.example/", "/\\evil.example"]) {
    const response = await request.post("/login", { form: { username: "member", password: DEMO_PASSWORD, redirectTo }, maxRedirects: 0 });
    expect(response.status(), JSON.stringify(redirectTo)).toBe(302);
    expect(response.headers()["location"], JSON.stringify(redirectTo)).toBe("/");
  }
  const kept = await request.post("/login", { form: { username: "member", password: DEMO_PASSWORD, redirectTo: "/inquiries/1?x=1" }, maxRedirects: 0 });
  expect(kept.headers()["location"]).toBe("/inquiries/1?x=1");
});

test("Origin: null on the sign-in and the proposal form is refused with 403, not a server error", async ({ page, request }) => {
  const anonymous = await request.post("/login", { form: { username: "member", password: DEMO_PASSWORD }, headers: { Origin: "null" }, maxRedirects: 0 });
  expect(anonymous.status()).toBe(403);
  expect(await anonymous.text()).toContain("跨站提交已被拒绝");
  await login(page, "member");
  const proposal = await page.request.post("/inquiries/1/outline/propose", { form: { text: "跨站的建议" }, headers: { Origin: "null" }, maxRedirects: 0 });
  expect(proposal.status()).toBe(403);
});

test("department, county and member accounts get 403 on administration pages", async ({ page }) => {
  for (const username of ["health", "county", "member", "staff"]) {
    await login(page, username);
    for (const path of ["/admin/users", "/admin/audit", "/admin/organizations", "/admin/users/1"]) {
      const response = await page.goto(path);
      expect(response?.status(), `${username} ${path}`).toBe(403);
      await expect(page.getByRole("heading", { name: "无权访问" })).toBeVisible();
    }
    // A forged POST changes nothing either.
    const post = await page.request.post("/admin/organizations", {
      form: { intent: "create", name: unique("越权"), kind: "department" },
      maxRedirects: 0,
    });
    expect(post.status()).toBe(403);
    await logout(page);
  }
});

test("an unknown page gets the Chinese 404 page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
});

test("an administrator creates an account that can then sign in, and the audit log shows it", async ({ page, browser }) => {
  const username = unique("liaison");
  // an administrator of its own: the audit log filtered to it holds only this test's entries (the other worker
  // writes audit entries all the time, and the log pages)
  const admin = await makeAccount("admin", { displayName: "审计测试管理员", prefix: "auditadmin" });
  await login(page, admin.username);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "用户管理" }).click();
  await page.getByRole("link", { name: "新建账号" }).click();
  await expect(page.getByRole("heading", { name: "新建账号" })).toBeVisible();
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("姓名").fill("水利局联络员");
  await page.getByLabel("角色").selectOption({ label: "应询部门" });
  await page.getByRole("button", { name: "创建账号" }).click();
  // Refused: the organisation is missing; the typed values stay.
  await expect(page.getByText("应询部门账号必须选择所属单位")).toBeVisible();
  await expect(page.getByLabel("用户名")).toHaveValue(username);
  await expect(page.getByLabel("姓名")).toHaveValue("水利局联络员");

  await page.getByLabel("所属单位").selectOption({ label: "市水利局（政府部门）" });
  await page.getByRole("button", { name: "创建账号" }).click();
  await expect(page.getByRole("status")).toContainText(`账号「${username}」已创建`);
  // the one-time initial password, shown once, never stored in clear
  const notice = page.getByTestId("initial-passwords");
  await expect(notice).toContainText("只显示这一次");
  const initial = (await notice.locator("code").innerText()).trim();
  expect(initial).toMatch(/^[a-z]{4}-[A-Z]{4}-[2-9]{4}$/);
  expect(JSON.stringify(await queryAll("select password_hash from users where username = ?", [username]))).not.toContain(initial);
  await page.getByRole("link", { name: "查看账号" }).click();
  await expect(page.getByRole("heading", { name: `水利局联络员（${username}）` })).toBeVisible();

  // first sign-in: the initial password must be changed before anything else
  const other = await browser.newContext();
  const newcomer = await other.newPage();
  await loginThroughForm(newcomer, username, initial);
  await expect(newcomer).toHaveURL(/\/account\?first=1$/);
  await expect(newcomer.getByTestId("must-change-password")).toBeVisible();
  await newcomer.goto("/inquiries");
  await expect(newcomer).toHaveURL(/\/account\?first=1$/);
  await newcomer.locator("input[name=currentPassword]").fill(initial);
  await newcomer.locator("input[name=newPassword]").fill("Water-Liaison-2026");
  await newcomer.locator("input[name=confirmPassword]").fill("Water-Liaison-2026");
  await newcomer.getByRole("button", { name: "保存新密码" }).click();
  await expect(newcomer.getByTestId("home-role")).toHaveText("应询部门 · 市水利局");
  await newcomer.goto("/inquiries");
  await expect(newcomer).toHaveURL(/\/inquiries$/);
  await other.close();

  // Deactivate: the account's sessions end at once (the page read again: the password change moved the version).
  await page.reload();
  await page.getByRole("button", { name: "停用账号" }).click();
  await expect(page.getByRole("status")).toContainText("账号已停用");

  await page.goto(`/admin/audit?actorId=${admin.id}`);
  const table = page.getByTestId("audit-table");
  await expect(table).toContainText(`新建账号「水利局联络员（${username}）」，角色：应询部门`);
  await expect(table).toContainText(`停用账号「水利局联络员（${username}）」`);
  // The hash never reaches the log.
  await expect(table).not.toContainText("scrypt$");
  const [newcomerRow] = await queryAll<{ id: number }>("select id from users where username = ?", [username]);
  await page.goto(`/admin/audit?actorId=${newcomerRow.id}`);
  await expect(table).toContainText("登录成功");
  await expect(table).toContainText(`水利局联络员（${username}）`);
  await expect(table).not.toContainText("scrypt$");
});

test("an administrator creates, renames and deactivates an organisation; a stale rename is refused", async ({ page, browser }) => {
  const name = unique("市测试局");
  await login(page, "admin");
  await page.goto("/admin/organizations");
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page.getByText("请填写名称")).toBeVisible();
  await page.getByLabel("名称").first().fill(name);
  await page.getByLabel("类别").first().selectOption({ label: "政府部门" });
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page.getByRole("status")).toContainText(`已新建「${name}」`);

  // Two administrators open the page; the second one saves on a stale version.
  const second = await browser.newContext();
  const other = await second.newPage();
  await login(other, "admin");
  await other.goto("/admin/organizations");

  const row = page.getByRole("form", { name: `修改${name}` });
  await row.getByLabel("名称").fill(`${name}改`);
  await row.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status")).toContainText(`已保存「${name}改」`);

  const staleRow = other.getByRole("form", { name: `修改${name}` });
  await staleRow.getByLabel("名称").fill(`${name}另改`);
  await staleRow.getByRole("button", { name: "保存" }).click();
  await expect(other.getByText("该组织机构已被他人修改")).toBeVisible();
  const kept = await other.locator('input[name="name"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  expect(kept).toContain(`${name}另改`);
  await second.close();

  await page.reload();
  const renamed = page.getByRole("row").filter({ has: page.getByRole("form", { name: `修改${name}改` }) });
  await renamed.getByRole("button", { name: "停用" }).click();
  await expect(page.getByRole("status")).toContainText("已停用");
  await expect(page.getByRole("row").filter({ has: page.getByRole("form", { name: `修改${name}改` }) })).toContainText("停用");
});
