import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { RESPONDING_KINDS } from "../admin/organizations.server";
import { advanceStage } from "../inquiries/inquiries.server";
import { checkItemInput, insertItem, openInquiry } from "../rectification/items.server";
import { cleanText } from "../utils/text";
import { isCalendarDate, nowIso, todayInShanghai } from "../utils/time";
import { isCollectiveName, parsePlan, unitsOfClause, type PlanTask } from "./plan-parser";

/**
 * Action plans as rectification items (issue 21, docs/decisions/0130-action-plans-as-items.md): a government
 * action plan (pasted, or read from .txt/.docx) is split into tasks (plan-parser.ts); each task's named units are
 * matched against the organisation list (exact after folding, or a name staff mapped before); staff confirm,
 * edit and import the tasks as items in one step, each item keeping its task's numbering and paragraph.
 * Names no organisation answers to are listed once: staff map each to an organisation, create it as a
 * department, or leave it out (collectives such as 各县市区党委政府 are proposed to be left out).
 */
type Db = Kysely<Database> | Transaction<Database>;

export const MAX_PLAN_CHARS = 300_000;
export const MAX_PLAN_TASKS = 300;

/**
 * The form in which names are compared: no spaces, ASCII brackets as full-width, and no 和 (a plan writes
 * 市人力资源社会保障局 for 市人力资源和社会保障局, 市住房城乡建设局 for 市住房和城乡建设局).
 */
export function foldName(name: string): string {
  return cleanText(name)
    .normalize("NFKC")
    .replace(/[\s\u3000]+/g, "")
    .replace(/\(/g, "（")
    .replace(/\)/g, "）")
    .replace(/和/g, "");
}

/**
 * The plan's title as the document gives it: the first short line that ends with 计划/方案/意见/规划 (with a
 * following “（2018—2020年）” line joined), not the covering notice (关于印发《…》的通知); "" when none.
 */
export function guessPlanTitle(text: string): string {
  const lines = text.split("\n").map((l) => l.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ""));
  for (const [i, line] of lines.entries()) {
    if (line.length > 80 || /[《》]|通知$|^关于/.test(line) || !/(?:计划|方案|意见|规划|清单)(?:（[^）]*）)?$/.test(line)) continue;
    const next = lines.slice(i + 1).find((l) => l) ?? "";
    return /^[（(]\d{4}\s*[—–-]+\s*\d{4}年[）)]$/.test(next) ? `${line}${next}` : line;
  }
  return "";
}

export interface OrgRef {
  id: number;
  name: string;
  kind: string;
}

/** Active organisations and remembered aliases, by folded name. */
export async function organisationIndex(db: Db): Promise<Map<string, OrgRef>> {
  const [orgs, aliases] = await Promise.all([
    db.selectFrom("organizations").select(["id", "name", "kind"]).where("active", "=", 1).orderBy("id").execute(),
    db
      .selectFrom("organization_aliases as a")
      .innerJoin("organizations as o", "o.id", "a.organization_id")
      .select(["a.alias", "o.id", "o.name", "o.kind"])
      .where("o.active", "=", 1)
      .execute(),
  ]);
  const index = new Map<string, OrgRef>();
  for (const a of aliases) index.set(a.alias, { id: a.id, name: a.name, kind: a.kind });
  // an organisation's own name wins over an alias that folds the same
  for (const o of orgs) index.set(foldName(o.name), o);
  return index;
}

/** What staff chose for a name no organisation answers to: leave it out, create it, or an organisation's id. */
export type NameChoice = "ignore" | "new" | number;

export interface TaskEdit {
  index: number;
  include: boolean;
  title: string;
  /** the units as staff left them: names separated by 、 (the first leads), or a bracket text such as “A牵头，B配合” */
  units: string;
  /** empty: the import's deadline */
  deadline: string;
}

export type UnitState = "matched" | "mapped" | "new" | "ignored" | "unknown";
export interface ResolvedUnit {
  name: string;
  state: UnitState;
  orgId: number | null;
  orgName: string | null;
}

export interface PreviewTask extends PlanTask {
  edit: TaskEdit;
  resolved: ResolvedUnit[];
  lead: ResolvedUnit | null;
  co: ResolvedUnit[];
}

export interface PlanPreview {
  tasks: PreviewTask[];
  /** every name that no organisation answers to, once, with the choice in force (proposed or made) */
  unknown: { name: string; choice: NameChoice | null; collective: boolean }[];
}

function resolveNames(names: string[], index: Map<string, OrgRef>, choices: Map<string, NameChoice>, orgsById: Map<number, OrgRef>): ResolvedUnit[] {
  return names.map((name) => {
    const hit = index.get(foldName(name));
    if (hit) return { name, state: "matched", orgId: hit.id, orgName: hit.name };
    const choice = choices.get(name);
    if (choice === "ignore") return { name, state: "ignored", orgId: null, orgName: null };
    if (choice === "new") return { name, state: "new", orgId: null, orgName: name };
    if (typeof choice === "number" && orgsById.has(choice)) return { name, state: "mapped", orgId: choice, orgName: orgsById.get(choice)!.name };
    return { name, state: "unknown", orgId: null, orgName: null };
  });
}

/** The proposal for a name nobody mapped yet: leave collectives out, create the others. */
export function proposedChoice(name: string): NameChoice {
  return isCollectiveName(name) ? "ignore" : "new";
}

/**
 * Splits and matches a plan. `edits` are the staff's changes to tasks (by index; missing: as parsed), `choices`
 * their decisions for unknown names (missing: the proposal). Reads only.
 */
export async function previewPlan(
  db: Db,
  text: string,
  edits: Map<number, TaskEdit> = new Map(),
  choices: Map<string, NameChoice> = new Map(),
): Promise<PlanPreview> {
  const index = await organisationIndex(db);
  const orgsById = new Map<number, OrgRef>();
  for (const o of index.values()) orgsById.set(o.id, o);
  const isKnown = (name: string) => index.has(foldName(name)) || choices.has(name);
  const parsed = parsePlan(text, isKnown).slice(0, MAX_PLAN_TASKS);
  const withEdits = parsed.map((task) => {
    const edit = edits.get(task.index) ?? { index: task.index, include: task.units.length > 0, title: task.title, units: task.units.join("、"), deadline: "" };
    const names = edit.units.trim() ? unitsOfClause(edit.units.trim(), isKnown) : [];
    return { task, edit, names };
  });
  const unknownNames = [...new Set(withEdits.flatMap((t) => t.names).filter((n) => !index.has(foldName(n))))];
  const effective = new Map(choices);
  for (const n of unknownNames) if (!effective.has(n)) effective.set(n, proposedChoice(n));
  const tasks = withEdits.map(({ task, edit, names }) => {
    const resolved = resolveNames(names, index, effective, orgsById);
    const usable = resolved.filter((u) => u.state !== "ignored" && u.state !== "unknown");
    const lead = usable[0] ?? null;
    const seen = new Set([lead?.orgId ?? lead?.name]);
    const co = usable.slice(1).filter((u) => {
      const key = u.orgId ?? u.name;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { ...task, edit, resolved, lead, co };
  });
  return {
    tasks,
    unknown: unknownNames.map((name) => ({ name, choice: effective.get(name) ?? null, collective: isCollectiveName(name) })),
  };
}

export interface PlanImportInput {
  title: string;
  fileName: string;
  text: string;
  deadline: string;
  edits: Map<number, TaskEdit>;
  choices: Map<string, NameChoice>;
}

export type PlanProblem = { field: string; message: string };
export type PlanImportResult = { ok: true; planId: number; count: number; numbers: number[]; created: string[] } | { ok: false; errors: PlanProblem[] };

class Refused extends Error {
  constructor(readonly errors: PlanProblem[]) {
    super("plan import refused");
  }
}

/**
 * Imports the included tasks as items of the inquiry, all or none (one transaction): creates the organisations
 * staff chose to create, remembers the names they mapped, writes the plan once and one item per task (lead: the
 * first usable unit; co-units: the rest), each with its numbering and paragraph; one audit entry for the import
 * and one per organisation created. Refusals name the task (its numbering) and change nothing.
 */
export async function importPlan(db: Kysely<Database>, actor: Actor, inquiryId: number, input: PlanImportInput): Promise<PlanImportResult> {
  const title = input.title.trim();
  const errors: PlanProblem[] = [];
  if (!title) errors.push({ field: "title", message: "请填写行动计划名称" });
  else if (title.length > 200) errors.push({ field: "title", message: "行动计划名称不能超过 200 个字" });
  if (!input.text.trim()) errors.push({ field: "text", message: "请粘贴或上传行动计划正文" });
  else if (input.text.length > MAX_PLAN_CHARS) errors.push({ field: "text", message: `行动计划正文不能超过 ${MAX_PLAN_CHARS / 10000} 万字` });
  if (!isCalendarDate(input.deadline)) errors.push({ field: "deadline", message: "整改时限格式不正确，请按“年-月-日”填写" });
  else if (input.deadline < todayInShanghai()) errors.push({ field: "deadline", message: "整改时限不能早于今天" });
  if (errors.length) return { ok: false, errors };
  try {
    return await db.transaction().execute(async (trx) => {
      const inquiry = await openInquiry(trx, inquiryId);
      if (!inquiry.ok) throw new Refused([{ field: "_form", message: inquiry.message }]);
      const preview = await previewPlan(trx, input.text, input.edits, input.choices);
      const chosen = preview.tasks.filter((t) => t.edit.include);
      if (chosen.length === 0) throw new Refused([{ field: "_form", message: preview.tasks.length ? "请至少选择一项任务导入" : "未能从正文中识别出带有“负责”单位的任务，请检查编号（一、（一）1.）和括号" }]);
      const problems: PlanProblem[] = [];
      for (const t of chosen) {
        const at = `任务 ${t.label}`;
        if (!t.edit.title.trim()) problems.push({ field: `title-${t.index}`, message: `${at}：请填写任务名称` });
        else if (t.edit.title.trim().length > 2000) problems.push({ field: `title-${t.index}`, message: `${at}：任务名称不能超过 2000 个字` });
        for (const u of t.resolved.filter((r) => r.state === "unknown")) {
          problems.push({ field: `units-${t.index}`, message: `${at}：「${u.name}」未对应到单位，请在“未识别的单位”中选择对应单位、新建或不作为单位` });
        }
        if (!t.lead) problems.push({ field: `units-${t.index}`, message: `${at}：没有可作为牵头单位的单位，请填写责任单位或为未识别的单位选择对应单位` });
        const d = t.edit.deadline.trim();
        if (d && (!isCalendarDate(d) || d < todayInShanghai())) problems.push({ field: `deadline-${t.index}`, message: `${at}：整改时限须为今天或以后的日期（年-月-日）` });
      }
      if (problems.length) throw new Refused(problems);

      const now = nowIso();
      // organisations to create, and names to remember
      const created = new Map<string, number>();
      for (const u of chosen.flatMap((t) => [t.lead!, ...t.co]).filter((u) => u.state === "new")) {
        if (created.has(u.name)) continue;
        const clash = await trx.selectFrom("organizations").select(["id", "kind"]).where("name", "=", u.name).executeTakeFirst();
        if (clash) throw new Refused([{ field: "_form", message: `已有名为「${u.name}」的组织机构（已停用或类别不同），请改为选择对应单位` }]);
        const max = await trx.selectFrom("organizations").select((eb) => eb.fn.max("sort_order").as("m")).executeTakeFirst();
        const row = await trx
          .insertInto("organizations")
          .values({ name: u.name, kind: "department", sort_order: Number(max?.m ?? 0) + 1, created_at: now, updated_at: now })
          .returning(["id", "name", "kind"])
          .executeTakeFirstOrThrow();
        created.set(u.name, row.id);
        await recordAudit(trx, actor, {
          action: "organization.create",
          entityType: "organization",
          entityId: row.id,
          summary: `导入行动计划时新建组织机构「${row.name}」（政府部门）`,
          after: row,
        });
      }
      const aliases: { alias: string; organizationId: number }[] = [];
      for (const u of chosen.flatMap((t) => [t.lead!, ...t.co]).filter((u) => u.state === "mapped")) {
        const alias = foldName(u.name);
        if (aliases.some((a) => a.alias === alias)) continue;
        aliases.push({ alias, organizationId: u.orgId! });
        await trx
          .insertInto("organization_aliases")
          .values({ alias, organization_id: u.orgId!, created_by: actor.id, created_at: now })
          .onConflict((oc) => oc.column("alias").doUpdateSet({ organization_id: u.orgId!, created_by: actor.id, created_at: now }))
          .execute();
      }
      const idOf = (u: ResolvedUnit) => (u.state === "new" ? created.get(u.name)! : u.orgId!);

      const plan = await trx
        .insertInto("action_plans")
        .values({ inquiry_id: inquiryId, title, file_name: input.fileName.slice(0, 200), text: input.text, task_count: chosen.length, created_by: actor.id, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      const numbers: number[] = [];
      const itemProblems: PlanProblem[] = [];
      for (const t of chosen) {
        const item = {
          problem: t.edit.title.trim(),
          requirement: "",
          leadDepartmentId: idOf(t.lead!),
          coDepartmentIds: [...new Set(t.co.map(idOf))].filter((id) => id !== idOf(t.lead!)),
          deadline: t.edit.deadline.trim() || input.deadline,
          sourceType: "plan" as const,
          sourceId: plan.id,
        };
        const problem = await checkItemInput(trx, inquiryId, item, true);
        if (problem) {
          itemProblems.push({ field: `units-${t.index}`, message: `任务 ${t.label}：${problem.message}` });
          continue;
        }
        const made = await insertItem(trx, actor, inquiryId, item, "plan_imported", null, { label: t.label, paragraph: t.paragraph });
        if (!made) {
          itemProblems.push({ field: `units-${t.index}`, message: `任务 ${t.label}：未能保存，请重试` });
          continue;
        }
        numbers.push(made.number);
      }
      if (itemProblems.length) throw new Refused(itemProblems);
      await advanceStage(trx, actor, inquiryId, "rectification", "first_item");
      await recordAudit(trx, actor, {
        action: "rectification.import_plan",
        entityType: "inquiry",
        entityId: inquiryId,
        summary: `「${inquiry.title}」从行动计划《${title}》导入整改事项 ${numbers.length} 项（#${numbers[0]}–#${numbers[numbers.length - 1]}）`,
        after: {
          planId: plan.id,
          items: chosen.map((t) => ({ label: t.label, title: t.edit.title.trim(), lead: t.lead!.name, co: t.co.map((u) => u.name) })),
          createdOrganizations: [...created.keys()],
          aliases,
        },
      });
      return { ok: true as const, planId: plan.id, count: numbers.length, numbers, created: [...created.keys()] };
    });
  } catch (e) {
    if (e instanceof Refused) return { ok: false, errors: e.errors };
    throw e;
  }
}

/** An item's plan source, for its page: the plan's title and the task's numbering and paragraph. */
export async function planSource(db: Db, item: { source_type: string; source_id: number | null; plan_label: string; plan_paragraph: string }) {
  if (item.source_type !== "plan" || !item.source_id) return null;
  const plan = await db.selectFrom("action_plans").select(["id", "title", "created_at"]).where("id", "=", item.source_id).executeTakeFirst();
  return plan ? { planId: plan.id, title: plan.title, label: item.plan_label, paragraph: item.plan_paragraph } : null;
}

/** The kinds an item's lead or co-unit may be, for the mapping choices (the item rules: 人民政府 and its departments). */
export const MAPPABLE_KINDS = RESPONDING_KINDS;
