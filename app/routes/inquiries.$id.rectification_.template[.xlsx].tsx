import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { getInquiry } from "~/inquiries/inquiries.server";
import { canManageRectification, forbidden, notFound } from "~/policy.server";
import { importTemplate, XLSX_MIME } from "~/rectification/excel.server";
import { departmentOptions } from "~/rectification/items.server";
import { idField } from "~/utils/ids";

/** /inquiries/:id/rectification/template.xlsx — the import template, with the department names it accepts. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canManageRectification(user)) forbidden("只有人大工作人员可以导入整改事项。");
  const id = idField().safeParse(params.id);
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id.data);
  if (!inquiry) notFound("该专题询问不存在");
  const bytes = await importTemplate((await departmentOptions(db)).map((d) => d.name));
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": XLSX_MIME,
      "Content-Length": String(bytes.length),
      "Content-Disposition": `attachment; filename="rectification-template.xlsx"; filename*=UTF-8''${encodeURIComponent("整改事项导入模板.xlsx")}`,
      "Cache-Control": "private, no-store",
    },
  });
}
