import { data } from "@remix-run/node";

/**
 * Asking first (issue 13: "销号 and 结转 … both ask for confirmation first. Publishing asks for confirmation."),
 * written once. A domain function whose step is hard to take back — 销号, 结转, their undo, publishing anything on
 * /public or taking it down — checks `askFirst(input.confirmed, question)` after every other check and before it
 * writes: until the user confirmed, it answers `{ ok: false, field: "confirm", message: question }` and changes
 * nothing. The route answers that with `confirmAnswer` (HTTP 409, the question and the posted values), and the
 * page shows components/history.tsx ConfirmStep, which posts the same values again with confirmed=1 (works
 * without JavaScript). docs/decisions/0151-one-confirmation.md.
 */
export interface AskFirst {
  ok: false;
  field: "confirm";
  message: string;
}

/** null once confirmed; else the answer that carries the question. */
export function askFirst(confirmed: boolean | undefined, question: string): AskFirst | null {
  return confirmed ? null : { ok: false, field: "confirm", message: question };
}

/** The questions publishing asks: what goes public (or leaves the public page) and where. */
export const PUBLISH_QUESTIONS = {
  digest_publish: "发布后，询问会摘要将在公开页面向社会公开，任何人无需登录即可查看。确认发布吗？",
  digest_unpublish: "撤回后，公众将不再能看到询问会摘要（已公开的研究处理情况报告也随之不再显示）。确认撤回吗？",
  rectification_public: "公开后，整改事项的进展情况将在公开页面向社会公开，任何人无需登录即可查看。确认公开吗？",
  rectification_private: "取消公开后，公众将不再能看到整改情况。确认取消公开吗？",
  handling_publish: "公开后，研究处理情况报告及审议意见将在公开页面向社会公开。请确认已核对其中不含不宜公开的内容（如个人信息）。确认公开吗？",
  handling_unpublish: "取消公开后，公众将不再能看到该轮研究处理情况报告及审议意见。确认取消公开吗？",
  accountability_publish: "公开后，该问责措施将在公开页面向社会公开。确认公开吗？",
  accountability_unpublish: "撤下后，公众将不再能看到该问责措施。确认撤下吗？",
} as const;

/** Whether a posted form carries the confirmation (ConfirmStep posts confirmed=1). */
export function confirmedIn(formData: FormData): boolean {
  return formData.get("confirmed") === "1";
}

/**
 * The route's answer to an `AskFirst`: 409 with the question under `confirm`, the intent and the posted text
 * values (files are not carried; the steps that ask first post none), for ConfirmStep to post again.
 */
export function confirmAnswer(intent: string, formData: FormData, question: string, extra: Record<string, unknown> = {}) {
  const values: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === "string" && k !== "confirmed") values[k] = v;
  values.intent = intent;
  return data({ intent, fieldErrors: {} as Record<string, string[]>, values, confirm: question, ...extra }, { status: 409 });
}
