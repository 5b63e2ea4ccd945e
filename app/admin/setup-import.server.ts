import { writeTransaction } from "../../db/transactions";
import ExcelJS from "exceljs";
import type { Kysely, Transaction } from "kysely";
import type { Database, OrganizationKind, Role } from "../../db/schema";
import type { Actor } from "../audit.server";
import { hashPassword, initialPassword, passwordWeakness } from "../auth/password.server";
import { normalizeUsername } from "../auth/login.server";
import { ORGANIZATION_KIND_LABELS, ORGANIZATION_KINDS, ROLE_LABELS, ROLES } from "../labels";
import { createRosterMember, isCommitteeMemberTitle, ROSTER_LIMITS } from "../roster/roster.server";
import { cellText, openImportSheet, type SheetError } from "../utils/sheet-import.server";
import { xmlSafeDeep } from "../utils/text";
import { SETUP_KINDS, SETUP_SHEETS, type SetupKind } from "./setup-sheets";
import { formatDate, todayInShanghai } from "../utils/time";
import { insertOrganization, moveOrganizationIn } from "./organizations.server";
import { insertUser } from "./users.server";

/**
 * Bulk setup from Excel (issue 13; docs/decisions/0091-bulk-setup.md): organisations, accounts and the roster
 * (组成人员名册) each have a template to download, an import and an export. As the rectification import does,
 * every bad row is named with its reason and nothing is imported until the sheet is clean; the whole sheet is
 * then written in one transaction (audited row by row). A row that is already there, exactly as the sheet says,
 * is skipped and reported (so the same sheet uploaded again adds nothing). Imported accounts get a random initial
 * password, shown once to the administrator on the result page and never stored in clear.
 */
type DB = Kysely<Database>;
type Trx = Transaction<Database>;

export { SETUP_KINDS, SETUP_SHEETS, type SetupKind } from "./setup-sheets";

export interface InitialPassword {
  username: string;
  displayName: string;
  password: string;
}

export type SetupImportResult =
  | { ok: true; created: number; skipped: SheetError[]; passwords: InitialPassword[] }
  | { ok: false; errors: SheetError[] };

const USERNAME = /^[a-z0-9_-]{3,32}$/;
const YES = new Set(["是", "有", "Y", "YES", "1", "TRUE", "√", "✓"]);
const NO = new Set(["否", "无", "N", "NO", "0", "FALSE", ""]);

const labelToKind = new Map(ORGANIZATION_KINDS.map((k) => [ORGANIZATION_KIND_LABELS[k], k] as const));
const labelToRole = new Map(ROLES.map((r) => [ROLE_LABELS[r], r] as const));
// the short forms an office writes
labelToRole.set("委员", "member").set("代表", "member").set("管理员", "admin").set("工作人员", "staff").set("部门", "department").set("县区", "county");
labelToKind.set("政府", "government").set("部门", "department").set("县区人大", "county_congress").set("人大机关", "congress_office");

const ROLE_ORG_KINDS: Record<Role, readonly OrganizationKind[] | null> = {
  admin: null,
  staff: null,
  member: null,
  department: ["government", "department"],
  county: ["county_congress"],
};

/** The one-time initial password of an account (app/auth/password.server.ts), re-exported for the import's tests. */
export { initialPassword };

// ---------------------------------------------------------------------------------------------------------
// Templates and exports

const thin = { style: "thin" as const, color: { argb: "FF999999" } };
const border = { top: thin, left: thin, bottom: thin, right: thin };

const HELP: Record<SetupKind, string[]> = {
  organizations: [
    "组织机构批量导入模板 填写说明",
    "1. 在“组织机构”表中每行填写一个单位，第 1 行表头请勿修改，从第 2 行起填写。",
    `2. 名称：必填，2–60 字，不能与系统中其他单位重名。类别：必填，填写 ${ORGANIZATION_KINDS.map((k) => ORGANIZATION_KIND_LABELS[k]).join("、")} 之一。`,
    "3. 上级单位：选填，填写系统中已有的单位或本表中前面各行的单位名称（如乡镇、县直部门的上级为县区人大常委会）。",
    "4. 系统中已有的同名同类别单位不会重复创建；若填写的上级单位与系统中不同，将改为所填的上级单位。",
    "5. 表格中任何一行有误，系统将列出出错的行号和原因，全部单位均不导入；请修改后重新上传。",
  ],
  accounts: [
    "用户账号批量导入模板 填写说明",
    "1. 在“用户账号”表中每行填写一个账号，第 1 行表头请勿修改，从第 2 行起填写。",
    "2. 用户名：必填，3–32 位字母、数字、下划线或短横线，登录时不区分大小写。姓名：必填。",
    `3. 角色：必填，填写 ${ROLES.map((r) => ROLE_LABELS[r]).join("、")} 之一。`,
    "4. 所属单位：应询部门账号须填写人民政府或政府部门的名称，县区人大账号须填写县区人大常委会的名称，名称须与系统中的单位完全一致（可先导入组织机构）。",
    "5. 职务/身份：选填。委员/代表账号会自动列入组成人员名册。",
    "6. 导入成功后，系统为每个账号生成初始密码，只在结果页面显示一次，请当场打印或抄录后分发本人，并提醒本人登录后在“修改密码”中改为自己的密码。",
    "7. 表格中任何一行有误，全部账号均不导入；请按提示修改后重新上传。",
  ],
  roster: [
    "组成人员名册批量导入模板 填写说明",
    "1. 在“组成人员名册”表中每行填写一人，第 1 行表头请勿修改，从第 2 行起填写。",
    "2. 姓名：必填。职务：如常委会委员、人大代表。",
    "3. 表决权：填“是”或“否”；不填时，职务含“代表”而不含“委员、主任、秘书长”的视为列席（无表决权），其余为有表决权的组成人员。",
    "4. 关联账号：选填，填写该人员的委员/代表账号的用户名。",
    "5. 名册中已有的同名同职务人员会被跳过，不会重复列入。",
    "6. 表格中任何一行有误，全部人员均不导入；请按提示修改后重新上传。",
  ],
};

function styleHeader(ws: ExcelJS.Worksheet) {
  ws.getRow(1).eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEEF0F3" } };
    cell.border = border;
  });
}

async function workbook(kind: SetupKind, rows: (string | number)[][], listColumn?: { column: number; values: string[] }, withHelp = true): Promise<Buffer> {
  const spec = SETUP_SHEETS[kind];
  const wb = new ExcelJS.Workbook();
  wb.creator = "询问 Xunwen";
  const ws = wb.addWorksheet(spec.sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = spec.columns.map((header) => ({ header, width: header === "名称" || header === "所属单位" ? 34 : 20 }));
  styleHeader(ws);
  for (const r of xmlSafeDeep(rows)) ws.addRow(r);
  if (listColumn && listColumn.values.length) {
    for (let r = 2; r <= spec.maxRows + 1; r++) {
      ws.getCell(r, listColumn.column).dataValidation = {
        type: "list",
        allowBlank: true,
        formulae: [`"${listColumn.values.join(",")}"`],
        showErrorMessage: true,
        error: "请从下拉列表中选择",
      };
    }
  }
  if (withHelp) {
    const help = wb.addWorksheet("填写说明");
    help.getColumn(1).width = 110;
    HELP[kind].forEach((line, i) => {
      const cell = help.getCell(i + 1, 1);
      cell.value = line;
      if (i === 0) cell.font = { bold: true, size: 13 };
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The import template of a kind: the header, a drop-down where the values are fixed, and the rules. */
export async function setupTemplate(kind: SetupKind): Promise<Buffer> {
  if (kind === "organizations") return workbook(kind, [], { column: 2, values: ORGANIZATION_KINDS.map((k) => ORGANIZATION_KIND_LABELS[k]) });
  if (kind === "accounts") return workbook(kind, [], { column: 3, values: ROLES.map((r) => ROLE_LABELS[r]) });
  return workbook(kind, [], { column: 3, values: ["是", "否"] });
}

/**
 * What is in the system, in the template's columns (so an export, corrected, can be imported elsewhere): every
 * organisation, every account (never a password), the whole roster. Inactive ones are marked in an extra column.
 */
export async function setupExport(db: DB, kind: SetupKind): Promise<Buffer> {
  if (kind === "organizations") {
    const rows = await db
      .selectFrom("organizations as o")
      .leftJoin("organizations as p", "p.id", "o.parent_id")
      .select(["o.name", "o.kind", "o.active", "p.name as parent_name"])
      .orderBy("o.kind")
      .orderBy("o.sort_order")
      .orderBy("o.id")
      .execute();
    // a parent listed below its child is still found on import: the system already holds it
    return exportBook(kind, rows.map((o) => [o.name, ORGANIZATION_KIND_LABELS[o.kind], o.parent_name ?? "", o.active ? "" : "已停用"]));
  }
  if (kind === "accounts") {
    const rows = await db
      .selectFrom("users as u")
      .leftJoin("organizations as o", "o.id", "u.organization_id")
      .select(["u.username", "u.display_name", "u.role", "o.name as organization_name", "u.title", "u.active"])
      .orderBy("u.id")
      .execute();
    return exportBook(kind, rows.map((u) => [u.username, u.display_name, ROLE_LABELS[u.role], u.organization_name ?? "", u.title, u.active ? "" : "已停用"]));
  }
  const rows = await db
    .selectFrom("roster_members as r")
    .leftJoin("users as u", "u.id", "r.user_id")
    .select(["r.name", "r.title", "r.voting", "u.username", "r.active"])
    .orderBy("r.active", "desc")
    .orderBy("r.sort_order")
    .orderBy("r.id")
    .execute();
  return exportBook(kind, rows.map((r) => [r.name, r.title, r.voting ? "是" : "否", r.username ?? "", r.active ? "" : "已移出名册"]));
}

async function exportBook(kind: SetupKind, rows: string[][]): Promise<Buffer> {
  const spec = SETUP_SHEETS[kind];
  const wb = new ExcelJS.Workbook();
  wb.creator = "询问 Xunwen";
  const ws = wb.addWorksheet(spec.sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = [...spec.columns, "状态"].map((header) => ({ header, width: header === "名称" || header === "所属单位" ? 34 : 18 }));
  styleHeader(ws);
  for (const r of xmlSafeDeep(rows)) ws.addRow(r);
  ws.headerFooter.oddFooter = `${spec.title}（${formatDate(todayInShanghai())}导出）第 &P 页`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------------
// Imports

interface Planned<T> {
  row: number;
  value: T;
}

function finish<T>(errors: SheetError[], planned: Planned<T>[], skipped: SheetError[]): { ok: false; errors: SheetError[] } | null {
  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.row - b.row) };
  if (planned.length === 0 && skipped.length === 0) return { ok: false, errors: [{ row: 0, message: "表格中没有可导入的内容（请从第 2 行起填写）" }] };
  return null;
}

/** A row-level failure found while writing (someone created the same thing a moment ago): the sheet rolls back. */
class RowRefused extends Error {
  constructor(readonly error: SheetError) {
    super(error.message);
  }
}

async function writeAll<T>(db: DB, planned: Planned<T>[], write: (trx: Trx, p: Planned<T>) => Promise<{ ok: true } | { ok: false; message: string }>): Promise<SheetError | null> {
  try {
    // each row takes its own locks (insertUser, insertOrganization); a rare deadlock with a single creation
    // of the same name is rolled back and run again by writeTransaction
    await writeTransaction(db, async (trx) => {
      for (const p of planned) {
        const r = await write(trx, p);
        if (!r.ok) throw new RowRefused({ row: p.row, message: r.message });
      }
    });
    return null;
  } catch (error) {
    if (error instanceof RowRefused) return error.error;
    throw error;
  }
}

async function importOrganizations(db: DB, actor: Actor, rows: { row: number; texts: string[] }[]): Promise<SetupImportResult> {
  const existing = new Map((await db.selectFrom("organizations").select(["id", "name", "kind", "parent_id", "active"]).execute()).map((o) => [o.name, o]));
  const nameOf = new Map([...existing.values()].map((o) => [o.id, o.name]));
  const errors: SheetError[] = [];
  const skipped: SheetError[] = [];
  // a new organisation, or the new parent of one already there (上级单位, issue 21)
  const planned: Planned<{ name: string; kind: OrganizationKind; parentName: string; existingId: number | null }>[] = [];
  const inSheet = new Map<string, number>();
  for (const { row, texts } of rows) {
    const [name, kindText, parentName = ""] = texts;
    const reasons: string[] = [];
    if (!name) reasons.push("缺少名称");
    else if (name.length < 2 || name.length > 60) reasons.push("名称应为 2–60 个字");
    const kind = labelToKind.get(kindText);
    if (!kindText) reasons.push("缺少类别");
    else if (!kind) reasons.push(`类别「${kindText}」应为${ORGANIZATION_KINDS.map((k) => ORGANIZATION_KIND_LABELS[k]).join("、")}之一`);
    if (name && inSheet.has(name)) reasons.push(`与第 ${inSheet.get(name)} 行重名`);
    if (parentName && parentName === name) reasons.push("上级单位不能是本单位");
    else if (parentName && !inSheet.has(parentName) && !existing.get(parentName)?.active) {
      reasons.push(existing.has(parentName) ? `上级单位「${parentName}」已停用` : `上级单位「${parentName}」不是系统中或本表前面各行的单位名称`);
    }
    if (reasons.length) {
      errors.push({ row, message: reasons.join("；") });
      continue;
    }
    inSheet.set(name, row);
    const there = existing.get(name);
    if (there && there.kind !== kind) errors.push({ row, message: `系统中已有同名单位「${name}」，类别为${ORGANIZATION_KIND_LABELS[there.kind]}` });
    else if (there && (!parentName || nameOf.get(there.parent_id ?? 0) === parentName)) skipped.push({ row, message: `「${name}」已在系统中，跳过` });
    else planned.push({ row, value: { name, kind: kind!, parentName, existingId: there?.id ?? null } });
  }
  const refused = finish(errors, planned, skipped);
  if (refused) return refused;
  const failed = await writeAll(db, planned, async (trx, p) => {
    const parent = p.value.parentName ? await trx.selectFrom("organizations").select("id").where("name", "=", p.value.parentName).executeTakeFirst() : undefined;
    const parentId = parent?.id ?? null;
    const r =
      p.value.existingId !== null
        ? await moveOrganizationIn(trx, actor, { id: p.value.existingId, parentId })
        : await insertOrganization(trx, actor, { name: p.value.name, kind: p.value.kind, parentId });
    return r.ok ? { ok: true } : { ok: false, message: r.message };
  });
  if (failed) return { ok: false, errors: [failed] };
  return { ok: true, created: planned.length, skipped, passwords: [] };
}

async function importAccounts(db: DB, actor: Actor, rows: { row: number; texts: string[] }[]): Promise<SetupImportResult> {
  const users = await db.selectFrom("users as u").leftJoin("organizations as o", "o.id", "u.organization_id").select(["u.username", "u.display_name", "u.role", "o.name as org"]).execute();
  const byUsername = new Map(users.map((u) => [u.username, u]));
  const orgs = new Map((await db.selectFrom("organizations").select(["id", "name", "kind", "active"]).execute()).map((o) => [o.name, o]));
  const errors: SheetError[] = [];
  const skipped: SheetError[] = [];
  const planned: Planned<{ username: string; displayName: string; role: Role; organizationId: number | null; title: string; password: string }>[] = [];
  const inSheet = new Map<string, number>();
  for (const { row, texts } of rows) {
    const [rawUsername, displayName, roleText, orgName, title] = texts;
    const username = normalizeUsername(rawUsername);
    const reasons: string[] = [];
    if (!username) reasons.push("缺少用户名");
    else if (!USERNAME.test(username)) reasons.push(`用户名「${rawUsername}」应为 3–32 位字母、数字、下划线或短横线`);
    else if (inSheet.has(username)) reasons.push(`用户名与第 ${inSheet.get(username)} 行重复`);
    if (!displayName) reasons.push("缺少姓名");
    else if (displayName.length > 40) reasons.push("姓名不能超过 40 个字");
    if (title.length > 60) reasons.push("职务/身份不能超过 60 个字");
    const role = labelToRole.get(roleText);
    if (!roleText) reasons.push("缺少角色");
    else if (!role) reasons.push(`角色「${roleText}」应为${ROLES.map((r) => ROLE_LABELS[r]).join("、")}之一`);
    let organizationId: number | null = null;
    if (role) {
      const kinds = ROLE_ORG_KINDS[role];
      const org = orgName ? orgs.get(orgName) : undefined;
      if (orgName && !org) reasons.push(`所属单位「${orgName}」不是系统中的单位名称`);
      else if (org && !org.active) reasons.push(`所属单位「${orgName}」已停用`);
      else if (kinds && !org) reasons.push(`${ROLE_LABELS[role]}账号须填写所属单位`);
      else if (kinds && org && !kinds.includes(org.kind)) reasons.push(role === "county" ? "县区人大账号只能属于县区人大常委会" : "应询部门账号只能属于人民政府或政府部门");
      organizationId = org?.id ?? null;
    }
    if (reasons.length) {
      errors.push({ row, message: reasons.join("；") });
      continue;
    }
    inSheet.set(username, row);
    const there = byUsername.get(username);
    if (there) {
      if (there.display_name === displayName && there.role === role && (there.org ?? "") === orgName) skipped.push({ row, message: `账号「${username}」已在系统中，跳过` });
      else errors.push({ row, message: `用户名「${username}」已被「${there.display_name}」使用` });
      continue;
    }
    const password = initialPassword();
    if (passwordWeakness(password, username)) {
      errors.push({ row, message: "无法为该账号生成初始密码，请重试" });
      continue;
    }
    planned.push({ row, value: { username, displayName, role: role!, organizationId, title, password } });
  }
  const refused = finish(errors, planned, skipped);
  if (refused) return refused;
  // hashed before the transaction: scrypt is slow on purpose, the writer is not held while it runs
  const hashes = new Map<number, string>();
  for (const p of planned) hashes.set(p.row, await hashPassword(p.value.password));
  const failed = await writeAll(db, planned, async (trx, p) => {
    const r = await insertUser(trx, actor, p.value, hashes.get(p.row)!, { initialPassword: true });
    return r.ok ? { ok: true } : { ok: false, message: r.message };
  });
  if (failed) return { ok: false, errors: [failed] };
  return { ok: true, created: planned.length, skipped, passwords: planned.map((p) => ({ username: p.value.username, displayName: p.value.displayName, password: p.value.password })) };
}

async function importRoster(db: DB, actor: Actor, rows: { row: number; texts: string[] }[]): Promise<SetupImportResult> {
  const roster = await db.selectFrom("roster_members").select(["name", "title", "user_id"]).where("active", "=", 1).execute();
  const members = new Map(
    (await db.selectFrom("users").select(["id", "username", "role", "active"]).execute()).map((u) => [u.username, u]),
  );
  const linked = new Set(roster.map((r) => r.user_id).filter((id): id is number => id !== null));
  const errors: SheetError[] = [];
  const skipped: SheetError[] = [];
  const planned: Planned<{ name: string; title: string; voting: boolean; userId: number | null }>[] = [];
  const inSheet = new Map<string, number>();
  const accountsInSheet = new Map<number, number>();
  for (const { row, texts } of rows) {
    const [name, title, votingText, usernameText] = texts;
    const reasons: string[] = [];
    if (!name) reasons.push("缺少姓名");
    else if (name.length > ROSTER_LIMITS.name) reasons.push(`姓名不能超过 ${ROSTER_LIMITS.name} 个字`);
    if (title.length > ROSTER_LIMITS.title) reasons.push(`职务不能超过 ${ROSTER_LIMITS.title} 个字`);
    const v = votingText.toUpperCase();
    let voting: boolean | null = null;
    if (YES.has(v)) voting = true;
    else if (votingText === "") voting = isCommitteeMemberTitle(title);
    else if (NO.has(v)) voting = false;
    else reasons.push(`表决权「${votingText}」应填“是”或“否”`);
    let userId: number | null = null;
    if (usernameText) {
      const u = members.get(normalizeUsername(usernameText));
      if (!u) reasons.push(`关联账号「${usernameText}」不存在`);
      else if (u.role !== "member") reasons.push(`关联账号「${usernameText}」不是委员/代表账号`);
      else if (linked.has(u.id)) reasons.push(`关联账号「${usernameText}」已关联名册中的其他人员`);
      else if (accountsInSheet.has(u.id)) reasons.push(`关联账号与第 ${accountsInSheet.get(u.id)} 行重复`);
      else userId = u.id;
    }
    const key = `${name}|${title}`;
    if (name && inSheet.has(key)) reasons.push(`与第 ${inSheet.get(key)} 行重复`);
    if (reasons.length) {
      errors.push({ row, message: reasons.join("；") });
      continue;
    }
    inSheet.set(key, row);
    if (userId !== null) accountsInSheet.set(userId, row);
    if (roster.some((r) => r.name === name && r.title === title)) skipped.push({ row, message: `「${title}${name}」已在名册中，跳过` });
    else planned.push({ row, value: { name, title, voting: voting!, userId } });
  }
  const refused = finish(errors, planned, skipped);
  if (refused) return refused;
  const failed = await writeAll(db, planned, async (trx, p) => {
    const r = await createRosterMember(trx, actor, p.value, "导入");
    return r.ok ? { ok: true } : { ok: false, message: r.message };
  });
  if (failed) return { ok: false, errors: [failed] };
  return { ok: true, created: planned.length, skipped, passwords: [] };
}

/** Reads, checks and (when every row is right) imports one uploaded sheet of `kind`. Never throws for a bad file. */
export async function importSetupSheet(db: DB, actor: Actor, kind: SetupKind, bytes: Uint8Array): Promise<SetupImportResult> {
  const spec = SETUP_SHEETS[kind];
  const sheet = await openImportSheet(bytes, spec);
  if (!sheet.ok) return sheet;
  const rows = sheet.rows
    .map(({ row, cells }) => ({ row, texts: cells.map(cellText) }))
    .filter((r) => r.texts.some((t) => t !== ""));
  if (kind === "organizations") return importOrganizations(db, actor, rows);
  if (kind === "accounts") return importAccounts(db, actor, rows);
  return importRoster(db, actor, rows);
}

/**
 * The import action of a setup page: the uploaded `sheet` of the form's `kind` (one of `allowed`), checked and
 * imported; the outcome the page shows (refused rows, or the result with any initial passwords — sent once, in
 * this response, and never stored). `allowed` is what the policy granted the user on this page.
 */
export async function importFromForm(db: DB, actor: Actor, formData: FormData, allowed: readonly SetupKind[]) {
  const kind = String(formData.get("kind") ?? "") as SetupKind;
  if (!allowed.includes(kind)) return { status: 403 as const, outcome: { kind, ok: false as const, fileName: "", errors: [{ row: 0, message: "您没有权限导入这类内容" }] } };
  const files = formData.getAll("sheet").filter((v): v is File => typeof v === "object" && v !== null && "arrayBuffer" in v && v.size > 0);
  if (files.length !== 1) return { status: 400 as const, outcome: { kind, ok: false as const, fileName: "", errors: [{ row: 0, message: "请选择一个要导入的 Excel 文件" }] } };
  const result = await importSetupSheet(db, actor, kind, new Uint8Array(await files[0].arrayBuffer()));
  if (!result.ok) return { status: 400 as const, outcome: { kind, ok: false as const, fileName: files[0].name, errors: result.errors } };
  return { status: 200 as const, outcome: { kind, ...result } };
}
