import type { ActionFunctionArgs } from "@remix-run/node";
import { actorOf } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { loadInquiryMeeting, nextProposal, submitExchangeForm } from "~/meeting/forms.server";
import { clearDraft, saveDraft } from "~/meeting/drafts.server";
import { canManageMeeting, forbidden } from "~/policy.server";
import { readFormData } from "~/utils/forms.server";

/**
 * The live entry form's JSON endpoint (used with scripts): saves the typist's draft as they type, discards it,
 * and records an exchange, answering with the next outline question. Staff only; the plain form posts to the
 * meeting page instead.
 */
function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } });
}

export async function loader() {
  return json({ ok: false, message: "请在询问会页面录入" }, 405);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canManageMeeting(user)) forbidden("只有人大工作人员可以录入询问会记录。");
  if (!meeting) return json({ ok: false, fieldErrors: { _form: ["请先设置询问会"] } }, 400);
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  if (intent === "draft") {
    const result = await saveDraft(db, actorOf(user, context), user.id, meeting.id, "exchange", String(formData.get("content") ?? ""));
    return result.ok ? json({ ok: true }) : json({ ok: false, fieldErrors: { [result.field]: [result.message] } }, 400);
  }
  if (intent === "discard") {
    await clearDraft(db, actorOf(user, context), user.id, meeting.id, "exchange");
    return json({ ok: true });
  }
  if (intent === "exchange") {
    const result = await submitExchangeForm(db, user, actorOf(user, context), meeting.id, formData);
    if (!result.ok) return json({ ok: false, fieldErrors: result.fieldErrors }, 400);
    return json({ ok: true, id: result.id, next: await nextProposal(db, inquiry.id) });
  }
  return json({ ok: false, fieldErrors: { _form: ["未知的操作，请刷新页面后重试"] } }, 400);
}
