import type { ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { chronicleDocx, chronicleResponse } from "~/followup/chronicle.server";
import { chronicleFormFrom } from "~/followup/forms.server";
import { canUseYearChronicle, forbidden } from "~/policy.server";
import { readFormData } from "~/utils/forms.server";

/** The year's chronicle as edited on /chronicle, exported to Word. Staff and members; 403 otherwise. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!canUseYearChronicle(user)) forbidden("年度大事记仅供人大工作人员和委员查阅。");
  const form = chronicleFormFrom(await readFormData(request));
  if (!form.ok) return new Response(`${form.message}。请返回上一页修改后重新导出。`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return chronicleResponse(await chronicleDocx(form), `${form.title}.docx`, "chronicle.docx");
}

export async function loader() {
  return new Response("请在年度大事记页面修改后导出。", { status: 405, headers: { "Content-Type": "text/plain; charset=utf-8", Allow: "POST" } });
}
