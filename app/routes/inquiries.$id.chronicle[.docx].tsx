import type { ActionFunctionArgs } from "@remix-run/node";
import { chronicleDocx, chronicleResponse } from "~/followup/chronicle.server";
import { chronicleFormFrom } from "~/followup/forms.server";
import { canReadInquiry } from "~/policy.server";
import { readFormData } from "~/utils/forms.server";
import { loadInquiryFor } from "~/utils/route.server";

/**
 * The inquiry's chronicle as edited on /inquiries/:id/chronicle, exported to Word (a resource route: the file is
 * the response). Staff and the inquiry's members; 403 otherwise. A refused form answers 400 with the reason.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const { inquiry } = await loadInquiryFor(request, params, canReadInquiry, "该专题询问不在您参与的范围内，您无权导出其大事记。");
  const form = chronicleFormFrom(await readFormData(request));
  if (!form.ok) return new Response(`${form.message}。请返回上一页修改后重新导出。`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return chronicleResponse(await chronicleDocx(form), `${form.title}.docx`, `chronicle-${inquiry.id}.docx`);
}

export async function loader() {
  return new Response("请在大事记页面修改后导出。", { status: 405, headers: { "Content-Type": "text/plain; charset=utf-8", Allow: "POST" } });
}
