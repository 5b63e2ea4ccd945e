import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { z } from "zod";
import { actorOf, requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { canChase, forbidden, notFound } from "~/policy.server";
import { chaseSubject, sendChase } from "~/queue/chase.server";
import { readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";

/** POST /chase-ups — send a 催办 (app/queue/chase.server.ts). Only the staff who manage the inquiry. */
const ChaseSchema = z.object({
  targetType: z.enum(["item", "survey", "handling_report"]),
  targetId: z.coerce.number().int().positive(),
  note: z.string().max(500, { error: "催办意见不能超过 500 个字" }).default(""),
});

export async function loader() {
  notFound();
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = Object.fromEntries(await readFormData(request, 16 * 1024));
  const parsed = ChaseSchema.safeParse(form);
  // a fetcher (JavaScript) gets the result in place; a plain form post goes back to the page
  const inPlace = new URL(request.url).searchParams.has("_data");
  if (!parsed.success) {
    const fieldErrors = { note: [parsed.error.issues[0]?.message ?? "请求无效，请刷新页面后重试"] };
    return data({ ok: false, fieldErrors }, { status: 400 });
  }
  const target = { type: parsed.data.targetType, id: parsed.data.targetId };
  const db = getDb();
  const subject = await chaseSubject(db, target);
  if (!subject) notFound("要催办的事项不存在");
  if (!canChase(user, subject.inquiry)) forbidden("只有负责该专题询问的人大工作人员可以催办。");
  const result = await sendChase(db, actorOf(user, context), { target, note: parsed.data.note });
  if (!result.ok) {
    if (inPlace) return data({ ok: false, fieldErrors: { [result.field]: [result.message] } }, { status: 400 });
    return redirectWithToast(`${subject.link}#chase`, result.message);
  }
  return redirectWithToast(`${subject.link}#chase`, `已向${subject.organizationName}催办`);
}
