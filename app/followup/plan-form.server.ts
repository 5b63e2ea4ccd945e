import { z } from "zod";
import { cleanString } from "../utils/text";
import { MAX_PLAN_CHARS, MAX_PLAN_TASKS, type NameChoice, type TaskEdit } from "./action-plan.server";

/**
 * The action-plan import form (/inquiries/:id/rectification/plan) as the domain wants it. Fields: `title`,
 * `text` (the plan, pasted or carried from the upload), `fileName`, `deadline`; per task shown (`task` = its
 * index, repeated): `include-i` ("1" when ticked), `title-i`, `units-i`, `deadline-i`; per unknown name
 * (`name-j`): `choice-j` = "ignore" | "new" | an organisation id. Ids and indexes are checked here; names,
 * units and dates by importPlan, which answers in Chinese per task.
 */
const Index = z.coerce.number().int().min(0).max(MAX_PLAN_TASKS);
const Text = (max: number) => cleanString().max(max, `内容过长（不超过 ${max} 个字）`);
const Choice = z.union([z.enum(["ignore", "new"]), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)]);

export const PlanHeadSchema = z.object({
  intent: z.enum(["preview", "import"]),
  title: Text(200).optional().transform((v) => (v ?? "").trim()),
  text: cleanString().max(MAX_PLAN_CHARS, `行动计划正文不能超过 ${MAX_PLAN_CHARS / 10000} 万字`).optional().transform((v) => v ?? ""),
  fileName: Text(200).optional().transform((v) => v ?? ""),
  deadline: Text(20).optional().transform((v) => (v ?? "").trim()),
});

export interface PlanForm {
  intent: "preview" | "import";
  title: string;
  text: string;
  fileName: string;
  deadline: string;
  /** null on the first step (no task shown yet) */
  edits: Map<number, TaskEdit> | null;
  choices: Map<string, NameChoice>;
}

export type PlanFormResult = { ok: true; form: PlanForm } | { ok: false; field: string; message: string };

export function planFormFrom(formData: FormData): PlanFormResult {
  const str = (k: string) => {
    const v = formData.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const head = PlanHeadSchema.safeParse({ intent: str("intent"), title: str("title"), text: str("text"), fileName: str("fileName"), deadline: str("deadline") });
  if (!head.success) {
    const issue = head.error.issues[0];
    return { ok: false, field: String(issue.path[0] ?? "_form"), message: issue.path[0] === "intent" ? "请选择要执行的操作" : issue.message };
  }
  const shown = formData.getAll("task");
  let edits: Map<number, TaskEdit> | null = null;
  if (shown.length) {
    edits = new Map();
    for (const raw of shown) {
      const index = Index.safeParse(raw);
      if (!index.success) return { ok: false, field: "_form", message: "表单内容无效，请重新识别任务" };
      const i = index.data;
      const fields = z
        .object({ title: Text(2000), units: Text(2000), deadline: Text(20) })
        .safeParse({ title: str(`title-${i}`) ?? "", units: str(`units-${i}`) ?? "", deadline: str(`deadline-${i}`) ?? "" });
      if (!fields.success) return { ok: false, field: `title-${i}`, message: fields.error.issues[0].message };
      edits.set(i, { index: i, include: str(`include-${i}`) === "1", title: fields.data.title, units: fields.data.units, deadline: fields.data.deadline });
    }
  }
  const choices = new Map<string, NameChoice>();
  for (const [key, value] of formData.entries()) {
    const m = /^name-(\d{1,4})$/.exec(key);
    if (!m || typeof value !== "string") continue;
    const choice = Choice.safeParse(str(`choice-${m[1]}`));
    if (choice.success && value.trim()) choices.set(value.trim(), choice.data);
  }
  return { ok: true, form: { ...head.data, edits, choices } };
}
