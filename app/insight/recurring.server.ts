import { advisoryLock, writeTransaction } from "../../db/transactions";
import type { Kysely } from "kysely";
import { liveInquiryOf, notVoided } from "../history/void.server";
import type { Database, ItemStatus } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import type { CurrentUser } from "../auth/session.server";
import { canReadProblem } from "../policy.server";
import { ITEM_STATUS_LABELS } from "../rectification/labels";
import { dateInShanghai, nowIso } from "../utils/time";
import { contentGrams } from "./text-grams";

/**
 * Recurring problems across inquiries (issue 22 item 1; docs/decisions/0120-recurring-problems.md).
 *
 * The problems are the texts in which an inquiry raises something: rectification items (问题清单), outline
 * questions and research findings, of every inquiry and year. Each becomes a vector of its subject-bearing
 * character pairs (app/insight/text-grams.ts; folded as search folds text), weighted by TF-IDF over all problems;
 * two problems are similar by the cosine of their vectors. Pairs at or above GROUP_THRESHOLD, strongest first,
 * join their groups when the two groups are also alike on average (mean cosine of all their cross pairs at least
 * GROUP_AVERAGE), so one chance pair does not chain two subjects together — and never across a pair staff split
 * apart ("different");
 * pairs staff confirmed ("same") are always together. The groups are computed each time from the text, so a new
 * item joins its group at once; staff decisions are kept as pairs (recurring_links) and survive re-computation.
 * A group is recurring when it spans at least two inquiries.
 */
export const GROUP_THRESHOLD = 0.22;
/** Two groups join only if their members are alike on average, not through one chance pair (no chaining). */
export const GROUP_AVERAGE = 0.12;
/** Pairs below this count as unrelated (0) in the average. */
const PAIR_FLOOR = 0.05;
export const SUGGEST_THRESHOLD = 0.2;

export type ProblemKind = "item" | "question" | "finding";
export const PROBLEM_KIND_LABELS: Record<ProblemKind, string> = { item: "整改事项", question: "询问问题", finding: "调研发现" };

export interface Problem {
  key: string;
  kind: ProblemKind;
  id: number;
  text: string;
  inquiryId: number;
  inquiryTitle: string;
  /** the inquiry's topic, or its title */
  topic: string;
  /** the outline keyword (a question's, or an item's exchange's), "" when none */
  keyword: string;
  /** the year the inquiry was held (meeting date, else registration), Asia/Shanghai */
  year: number;
  departmentIds: number[];
  departmentNames: string[];
  outcome: { label: string; tone: "ok" | "warn" | "danger" | "" };
  /** for the department scope: whether the department may see it (issued question, own item) */
  issued: boolean;
}

type Db = Kysely<Database>;

// ---- the corpus: the few reads of items, questions and findings (a "not voided" filter belongs here) ----

/** Every rectification item with its inquiry, lead and co-departments, and exchange keyword. */
export async function recurringItemRows(db: Db) {
  const items = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .leftJoin("meeting_segments as s", (j) => j.onRef("s.id", "=", "i.source_id").on("i.source_type", "=", "exchange"))
    .select(["i.id", "i.inquiry_id", "i.number", "i.problem", "i.status", "i.deadline", "i.closed_at", "i.lead_department_id", "o.name as lead_name", "s.keyword", "i.source_type", "i.source_id"])
    .where(notVoided("i"))
    .execute();
  const co = await db
    .selectFrom("rectification_codepartments as c")
    .innerJoin("organizations as o", "o.id", "c.organization_id")
    .select(["c.item_id", "c.organization_id", "o.name"])
    .execute();
  return { items, co };
}

/** Every outline question with its keyword, department and whether the meeting took it up. */
export async function recurringQuestionRows(db: Db) {
  return db
    .selectFrom("outline_questions as q")
    .innerJoin("outline_keywords as k", "k.id", "q.keyword_id")
    .innerJoin("organizations as o", "o.id", "q.department_id")
    .innerJoin("inquiries as inq", "inq.id", "q.inquiry_id")
    .select([
      "q.id",
      "q.inquiry_id",
      "q.text",
      "q.department_id",
      "o.name as department_name",
      "k.keyword",
      "inq.outline_issued_version_id",
      (eb) => eb.selectFrom("meeting_segments as s").select("s.id").whereRef("s.outline_question_id", "=", "q.id").where("s.voided_at", "is", null).limit(1).as("segment_id"),
    ])
    .where(notVoided("q"))
    .execute();
}

/** Every research finding. */
export async function recurringFindingRows(db: Db) {
  return db.selectFrom("research_findings").select(["id", "inquiry_id", "text"]).where(liveInquiryOf("research_findings.inquiry_id")).execute();
}

function itemOutcome(i: { status: ItemStatus; deadline: string; closed_at: string | null }, today: string): Problem["outcome"] {
  if (i.status === "closed") {
    const late = i.closed_at && dateInShanghai(i.closed_at) > i.deadline;
    return { label: late ? "已销号（逾期完成）" : "已销号", tone: late ? "warn" : "ok" };
  }
  if (i.status === "carried_over") return { label: "结转", tone: "warn" };
  if (i.deadline < today) return { label: `逾期（${ITEM_STATUS_LABELS[i.status]}）`, tone: "danger" };
  return { label: ITEM_STATUS_LABELS[i.status], tone: "" };
}

/** All problems of all inquiries, with their outcome as of `today` (Asia/Shanghai). */
export async function loadProblems(db: Db, today: string): Promise<Problem[]> {
  const inquiries = await db.selectFrom("inquiries").select(["id", "title", "topic", "meeting_date", "created_at", "stage"]).execute();
  const inq = new Map(inquiries.map((i) => [i.id, i]));
  const year = (id: number) => {
    const i = inq.get(id)!;
    return Number((i.meeting_date ?? dateInShanghai(i.created_at)).slice(0, 4));
  };
  const { items, co } = await recurringItemRows(db);
  const questions = await recurringQuestionRows(db);
  const findings = await recurringFindingRows(db);
  const sources = await db.selectFrom("outline_question_sources").select(["question_id", "source_type", "source_id"]).where("source_type", "=", "finding").execute();
  const outcomes = new Map(items.map((i) => [i.id, itemOutcome(i, today)]));
  const itemsBySegment = new Map<number, typeof items>();
  const itemsByFinding = new Map<number, typeof items>();
  for (const i of items) {
    if (i.source_id === null) continue;
    const map = i.source_type === "exchange" ? itemsBySegment : i.source_type === "finding" ? itemsByFinding : null;
    if (map) map.set(i.source_id, [...(map.get(i.source_id) ?? []), i]);
  }
  const summarise = (linked: typeof items) => linked.map((i) => `整改事项${i.number}：${outcomes.get(i.id)!.label}`).join("；");
  const worst = (linked: typeof items): Problem["outcome"]["tone"] => {
    const tones = linked.map((i) => outcomes.get(i.id)!.tone);
    return tones.includes("danger") ? "danger" : tones.includes("warn") ? "warn" : tones.length && tones.every((t) => t === "ok") ? "ok" : "";
  };
  const base = (id: number) => {
    const i = inq.get(id)!;
    return { inquiryId: id, inquiryTitle: i.title, topic: i.topic || i.title, year: year(id) };
  };
  const out: Problem[] = [];
  for (const i of items) {
    const cos = co.filter((c) => c.item_id === i.id);
    out.push({
      key: `item:${i.id}`,
      kind: "item",
      id: i.id,
      text: i.problem,
      ...base(i.inquiry_id),
      keyword: i.keyword ?? "",
      departmentIds: [i.lead_department_id, ...cos.map((c) => c.organization_id)],
      departmentNames: [i.lead_name, ...cos.map((c) => c.name)],
      outcome: outcomes.get(i.id)!,
      issued: true,
    });
  }
  for (const q of questions) {
    const linked = q.segment_id ? itemsBySegment.get(q.segment_id) ?? [] : [];
    const stage = inq.get(q.inquiry_id)!.stage;
    const outcome: Problem["outcome"] = linked.length
      ? { label: `已询问；${summarise(linked)}`, tone: worst(linked) }
      : q.segment_id
        ? { label: "已在询问会上询问", tone: "" }
        : stage === "rectification" || stage === "closed"
          ? { label: "未在询问会上询问", tone: "warn" }
          : { label: "待询问", tone: "" };
    out.push({
      key: `question:${q.id}`,
      kind: "question",
      id: q.id,
      text: q.text,
      ...base(q.inquiry_id),
      keyword: q.keyword,
      departmentIds: [q.department_id],
      departmentNames: [q.department_name],
      outcome,
      issued: q.outline_issued_version_id !== null,
    });
  }
  for (const f of findings) {
    const linked = itemsByFinding.get(f.id) ?? [];
    const asked = sources.filter((s) => s.source_id === f.id).length;
    out.push({
      key: `finding:${f.id}`,
      kind: "finding",
      id: f.id,
      text: f.text,
      ...base(f.inquiry_id),
      keyword: "",
      departmentIds: [],
      departmentNames: [],
      outcome: linked.length ? { label: summarise(linked), tone: worst(linked) } : asked ? { label: `已转为询问问题（${asked} 个）`, tone: "" } : { label: "—", tone: "" },
      issued: false,
    });
  }
  return out;
}

// ---- similarity ----

type Vector = Map<string, number>;

/** TF-IDF vectors (unit length) of texts over their own collection. */
export function vectorise(texts: string[]): Vector[] {
  const grams = texts.map((t) => contentGrams(t));
  const df = new Map<string, number>();
  for (const g of grams) for (const k of g.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const n = texts.length;
  return grams.map((g) => {
    const v: Vector = new Map();
    let norm = 0;
    for (const [k, tf] of g) {
      const w = (1 + Math.log(tf)) * (Math.log((n + 1) / (df.get(k)! + 1)) + 1);
      v.set(k, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [k, w] of v) v.set(k, w / norm);
    return v;
  });
}

/** Pairs (i < j) whose cosine is at least `threshold`, strongest first; found through an inverted index. */
export function similarPairs(vectors: Vector[], threshold: number): { i: number; j: number; sim: number }[] {
  const index = new Map<string, number[]>();
  vectors.forEach((v, i) => {
    for (const k of v.keys()) index.set(k, [...(index.get(k) ?? []), i]);
  });
  const pairs: { i: number; j: number; sim: number }[] = [];
  vectors.forEach((v, i) => {
    const dot = new Map<number, number>();
    for (const [k, w] of v) for (const j of index.get(k)!) if (j > i) dot.set(j, (dot.get(j) ?? 0) + w * vectors[j].get(k)!);
    for (const [j, sim] of dot) if (sim >= threshold) pairs.push({ i, j, sim });
  });
  return pairs.sort((a, b) => b.sim - a.sim || a.i - b.i || a.j - b.j);
}

export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Groups of indices: "same" pairs always together; then pairs at or above `threshold`, strongest first, join their
 * groups if the groups' mean cross similarity is at least `averageFloor` and no "different" pair would end up in
 * one group. `pairs` should hold every pair worth counting in the mean (missing pairs count 0). Pure. Groups of
 * one are left out.
 */
export function groupProblems(
  keys: string[],
  pairs: { i: number; j: number; sim: number }[],
  links: { same: Set<string>; different: Set<string> },
  threshold = GROUP_THRESHOLD,
  averageFloor = GROUP_AVERAGE,
): number[][] {
  const parent = keys.map((_, i) => i);
  const members = keys.map((_, i) => [i]);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const position = new Map(keys.map((k, i) => [k, i]));
  const apart = (a: number, b: number) => members[a].some((x) => members[b].some((y) => links.different.has(pairKey(keys[x], keys[y]))));
  const sims = new Map(pairs.map((p) => [p.i * keys.length + p.j, p.sim]));
  const sim = (x: number, y: number) => sims.get(Math.min(x, y) * keys.length + Math.max(x, y)) ?? 0;
  const average = (a: number, b: number) => {
    let sum = 0;
    for (const x of members[a]) for (const y of members[b]) sum += sim(x, y);
    return sum / (members[a].length * members[b].length);
  };
  const union = (i: number, j: number, force: boolean) => {
    const a = find(i);
    const b = find(j);
    if (a === b || (!force && (apart(a, b) || average(a, b) < averageFloor))) return;
    parent[b] = a;
    members[a] = members[a].concat(members[b]);
    members[b] = [];
  };
  for (const p of links.same) {
    const [x, y] = p.split("|");
    if (position.has(x) && position.has(y)) union(position.get(x)!, position.get(y)!, true);
  }
  for (const p of pairs) if (p.sim >= threshold) union(p.i, p.j, false);
  return members.filter((m, i) => find(i) === i && m.length > 1).map((m) => m.sort((a, b) => a - b));
}

async function loadLinks(db: Db) {
  const rows = await db.selectFrom("recurring_links").select(["a_key", "b_key", "kind"]).execute();
  const same = new Set<string>();
  const different = new Set<string>();
  for (const r of rows) (r.kind === "same" ? same : different).add(pairKey(r.a_key, r.b_key));
  return { same, different };
}

export interface RecurringGroup {
  /** the members' keys, sorted: identifies the group as the reader saw it */
  keys: string[];
  members: (Problem & { confirmed: boolean })[];
  inquiryCount: number;
  timesRaised: number;
  topics: string[];
  keywords: string[];
  departments: { id: number; name: string }[];
  confirmed: boolean;
  open: number;
  overdue: number;
}

/** What a reader may see of the problems: the policy's rule (app/policy.server.ts canReadProblem). */
function visibleTo(user: Pick<CurrentUser, "role" | "organizationId"> & { memberInquiryIds?: readonly number[] }) {
  return (p: Problem) => canReadProblem(user, p);
}

/** Computes every group of the whole corpus (the same for every reader), before any reader's filter. */
export async function computeGroups(db: Db, today: string) {
  const problems = await loadProblems(db, today);
  const vectors = vectorise(problems.map((p) => p.text));
  const keys = problems.map((p) => p.key);
  const links = await loadLinks(db);
  const groups = groupProblems(keys, similarPairs(vectors, PAIR_FLOOR), links);
  return { problems, groups, links, vectors };
}

function shapeGroup(members: Problem[], links: { same: Set<string> }): RecurringGroup {
  const confirmedKeys = new Set<string>();
  for (const a of members) for (const b of members) if (a !== b && links.same.has(pairKey(a.key, b.key))) confirmedKeys.add(a.key);
  const departments = new Map<number, string>();
  for (const m of members) m.departmentIds.forEach((id, i) => departments.set(id, m.departmentNames[i]));
  const sorted = [...members].sort((a, b) => a.year - b.year || a.inquiryId - b.inquiryId || a.key.localeCompare(b.key));
  return {
    keys: members.map((m) => m.key).sort(),
    members: sorted.map((m) => ({ ...m, confirmed: confirmedKeys.has(m.key) })),
    inquiryCount: new Set(members.map((m) => m.inquiryId)).size,
    timesRaised: members.length,
    topics: [...new Set(members.map((m) => m.topic))],
    keywords: [...new Set(members.map((m) => m.keyword).filter(Boolean))],
    departments: [...departments].map(([id, name]) => ({ id, name })),
    confirmed: members.every((m) => confirmedKeys.has(m.key)),
    open: members.filter((m) => m.kind === "item" && !m.outcome.label.startsWith("已销号") && m.outcome.label !== "结转").length,
    overdue: members.filter((m) => m.outcome.tone === "danger" && m.kind === "item").length,
  };
}

export interface RecurringFilter {
  departmentId?: number | null;
  topic?: string | null;
}

/**
 * The recurring problems a reader may see: groups spanning two or more inquiries (within what the reader may
 * read), filtered by department or topic (inquiry topic or outline keyword); with per-department and per-topic
 * summaries (groups, times raised, open and overdue items).
 */
export async function recurringProblems(
  db: Db,
  user: Pick<CurrentUser, "role" | "organizationId"> & { memberInquiryIds?: readonly number[] },
  filter: RecurringFilter,
  today: string,
) {
  const { problems, groups, links } = await computeGroups(db, today);
  const visible = visibleTo(user);
  const shaped = groups
    .map((g) => g.map((i) => problems[i]).filter(visible))
    .filter((m) => m.length > 1 && new Set(m.map((p) => p.inquiryId)).size > 1)
    .map((m) => shapeGroup(m, links));
  const matches = (g: RecurringGroup) =>
    (!filter.departmentId || g.departments.some((d) => d.id === filter.departmentId)) &&
    (!filter.topic || g.topics.includes(filter.topic) || g.keywords.includes(filter.topic));
  const list = shaped.filter(matches).sort((a, b) => b.inquiryCount - a.inquiryCount || b.timesRaised - a.timesRaised || a.keys[0].localeCompare(b.keys[0]));

  const byDepartment = new Map<number, { id: number; name: string; groups: number; raised: number; open: number; overdue: number }>();
  const byTopic = new Map<string, { topic: string; groups: number; raised: number; open: number; overdue: number }>();
  for (const g of shaped) {
    for (const d of g.departments) {
      const mine = g.members.filter((m) => m.departmentIds.includes(d.id));
      const row = byDepartment.get(d.id) ?? { id: d.id, name: d.name, groups: 0, raised: 0, open: 0, overdue: 0 };
      row.groups++;
      row.raised += mine.length;
      row.open += mine.filter((m) => m.kind === "item" && !m.outcome.label.startsWith("已销号") && m.outcome.label !== "结转").length;
      row.overdue += mine.filter((m) => m.kind === "item" && m.outcome.tone === "danger").length;
      byDepartment.set(d.id, row);
    }
    for (const topic of new Set([...g.keywords, ...g.topics])) {
      const mine = g.members.filter((m) => m.keyword === topic || m.topic === topic);
      const row = byTopic.get(topic) ?? { topic, groups: 0, raised: 0, open: 0, overdue: 0 };
      row.groups++;
      row.raised += mine.length;
      row.open += mine.filter((m) => m.kind === "item" && !m.outcome.label.startsWith("已销号") && m.outcome.label !== "结转").length;
      row.overdue += mine.filter((m) => m.kind === "item" && m.outcome.tone === "danger").length;
      byTopic.set(topic, row);
    }
  }
  return {
    groups: list,
    departments: [...byDepartment.values()].sort((a, b) => b.raised - a.raised || a.name.localeCompare(b.name, "zh")),
    topics: [...byTopic.values()].sort((a, b) => b.raised - a.raised || a.topic.localeCompare(b.topic, "zh")),
  };
}

/**
 * Earlier problems like `text` from other inquiries, most similar first, with their outcome: the suggestions
 * beside a question being drafted. Only what `user` may read.
 */
export async function similarEarlier(
  db: Db,
  user: Pick<CurrentUser, "role" | "organizationId"> & { memberInquiryIds?: readonly number[] },
  inquiryId: number,
  texts: string[],
  today: string,
  limit = 3,
) {
  const problems = (await loadProblems(db, today)).filter((p) => p.inquiryId !== inquiryId).filter(visibleTo(user));
  const vectors = vectorise([...problems.map((p) => p.text), ...texts]);
  const n = problems.length;
  return texts.map((_, t) => {
    const q = vectors[n + t];
    const scored: { problem: Problem; sim: number }[] = [];
    problems.forEach((p, i) => {
      let sim = 0;
      for (const [k, w] of q) sim += w * (vectors[i].get(k) ?? 0);
      if (sim >= SUGGEST_THRESHOLD) scored.push({ problem: p, sim });
    });
    return scored.sort((a, b) => b.sim - a.sim).slice(0, limit).map((s) => ({ ...s.problem, similarity: Math.round(s.sim * 100) }));
  });
}

export type RecurringResult = { ok: true } | { ok: false; field: string; message: string };
const GROUP_CHANGED = "该组问题已被他人确认、拆分或内容有变化，请刷新页面后再操作。";

async function currentGroupOf(db: Db, keys: string[], today: string) {
  const { problems, groups } = await computeGroups(db, today);
  const group = groups.find((g) => g.some((i) => problems[i].key === keys[0]));
  const now = group ? group.map((i) => problems[i].key).sort() : [];
  return { now, problems };
}

/**
 * Staff confirm a group: its members are the same problem, kept together whatever the text later says.
 * `keys` is the group as the reader saw it; a group that changed since is refused (never silently merged).
 */
export async function confirmGroup(db: Db, actor: Actor, input: { keys: string[] }, today: string): Promise<RecurringResult> {
  const keys = [...new Set(input.keys)].sort();
  if (keys.length < 2) return { ok: false, field: "_form", message: "请选择要确认的问题组" };
  return writeTransaction(db, async (trx): Promise<RecurringResult> => {
    // groups are computed over every inquiry's problems: decisions on them wait for each other (decision 0175)
    await advisoryLock(trx, "recurring-links");
    const { now } = await currentGroupOf(trx, keys, today);
    if (now.join(",") !== keys.join(",")) return { ok: false, field: "_form", message: GROUP_CHANGED };
    const at = nowIso();
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        await trx
          .insertInto("recurring_links")
          .values({ a_key: keys[i], b_key: keys[j], kind: "same", decided_by: actor.id, decided_at: at })
          .onConflict((oc) => oc.columns(["a_key", "b_key"]).doUpdateSet({ kind: "same", decided_by: actor.id, decided_at: at }))
          .execute();
      }
    }
    await recordAudit(trx, actor, {
      action: "recurring.confirm",
      entityType: "recurring_group",
      entityId: keys[0],
      summary: `确认 ${keys.length} 条问题为同一反复出现的问题`,
      after: { keys },
    });
    return { ok: true };
  });
}

/**
 * Staff split a group: the chosen members are a different problem from the rest and never grouped with them
 * again (they may still group among themselves). Refused if the group changed since the reader saw it.
 */
export async function splitGroup(db: Db, actor: Actor, input: { keys: string[]; apart: string[] }, today: string): Promise<RecurringResult> {
  const keys = [...new Set(input.keys)].sort();
  const apart = [...new Set(input.apart)].filter((k) => keys.includes(k));
  if (!apart.length) return { ok: false, field: "apart", message: "请勾选要拆分出去的问题" };
  if (apart.length === keys.length) return { ok: false, field: "apart", message: "不能把全部问题都拆分出去，请至少保留一条" };
  const rest = keys.filter((k) => !apart.includes(k));
  return writeTransaction(db, async (trx): Promise<RecurringResult> => {
    // groups are computed over every inquiry's problems: decisions on them wait for each other (decision 0175)
    await advisoryLock(trx, "recurring-links");
    const { now } = await currentGroupOf(trx, keys, today);
    if (now.join(",") !== keys.join(",")) return { ok: false, field: "_form", message: GROUP_CHANGED };
    const at = nowIso();
    for (const a of apart) {
      for (const b of rest) {
        const [x, y] = a < b ? [a, b] : [b, a];
        await trx
          .insertInto("recurring_links")
          .values({ a_key: x, b_key: y, kind: "different", decided_by: actor.id, decided_at: at })
          .onConflict((oc) => oc.columns(["a_key", "b_key"]).doUpdateSet({ kind: "different", decided_by: actor.id, decided_at: at }))
          .execute();
      }
    }
    await recordAudit(trx, actor, {
      action: "recurring.split",
      entityType: "recurring_group",
      entityId: keys[0],
      summary: `将 ${apart.length} 条问题从反复出现的问题组中拆分出去`,
      before: { keys },
      after: { apart, rest },
    });
    return { ok: true };
  });
}

/** A group as the pages show it: each member with its kind's label and the page it links to. */
export function toGroupView(g: RecurringGroup) {
  return {
    keys: g.keys,
    inquiryCount: g.inquiryCount,
    timesRaised: g.timesRaised,
    topics: g.topics,
    keywords: g.keywords,
    departments: g.departments,
    confirmed: g.confirmed,
    open: g.open,
    overdue: g.overdue,
    members: g.members.map((m) => ({
      key: m.key,
      kind: m.kind,
      kindLabel: PROBLEM_KIND_LABELS[m.kind],
      text: m.text,
      inquiryId: m.inquiryId,
      inquiryTitle: m.inquiryTitle,
      year: m.year,
      keyword: m.keyword,
      departmentNames: m.departmentNames,
      outcome: m.outcome,
      confirmed: m.confirmed,
      href: m.kind === "item" ? `/rectification/${m.id}` : m.kind === "question" ? `/inquiries/${m.inquiryId}/outline/questions/${m.id}` : `/inquiries/${m.inquiryId}/research`,
    })),
  };
}
