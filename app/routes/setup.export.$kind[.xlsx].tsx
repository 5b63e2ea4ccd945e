import type { LoaderFunctionArgs } from "@remix-run/node";
import { setupExport, SETUP_KINDS, SETUP_SHEETS, type SetupKind } from "~/admin/setup-import.server";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { canBulkSetup, forbidden, notFound } from "~/policy.server";
import { XLSX_MIME } from "~/rectification/excel.server";

/** /setup/export/:kind.xlsx — organisations, accounts (never passwords) or the roster as Excel (issue 13). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const kind = params.kind as SetupKind;
  if (!SETUP_KINDS.includes(kind)) notFound("没有这种导出");
  if (!canBulkSetup(user, kind)) forbidden("您没有权限导出此内容。");
  const bytes = await setupExport(getDb(), kind);
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": XLSX_MIME,
      "Content-Length": String(bytes.length),
      "Content-Disposition": `attachment; filename="${kind}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${SETUP_SHEETS[kind].title}.xlsx`)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
