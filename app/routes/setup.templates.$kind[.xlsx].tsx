import type { LoaderFunctionArgs } from "@remix-run/node";
import { setupTemplate, SETUP_KINDS, SETUP_SHEETS, type SetupKind } from "~/admin/setup-import.server";
import { requireUser } from "~/auth/session.server";
import { canBulkSetup, forbidden, notFound } from "~/policy.server";
import { XLSX_MIME } from "~/rectification/excel.server";

/** /setup/templates/:kind.xlsx — the import template of organisations, accounts or the roster (issue 13). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const kind = params.kind as SetupKind;
  if (!SETUP_KINDS.includes(kind)) notFound("没有这种导入模板");
  if (!canBulkSetup(user, kind)) forbidden("您没有权限下载此导入模板。");
  const bytes = await setupTemplate(kind);
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": XLSX_MIME,
      "Content-Length": String(bytes.length),
      "Content-Disposition": `attachment; filename="${kind}-template.xlsx"; filename*=UTF-8''${encodeURIComponent(`${SETUP_SHEETS[kind].title}导入模板.xlsx`)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
