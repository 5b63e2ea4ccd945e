import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { getInquiry } from "~/inquiries/inquiries.server";
import { canReadInquiry, forbidden, notFound } from "~/policy.server";
import { ledgerWorkbook, XLSX_MIME } from "~/rectification/excel.server";
import { ledgerFilterFrom, listLedger } from "~/rectification/ledger.server";
import { todayInShanghai } from "~/utils/time";
import { idField } from "~/utils/ids";

/**
 * /inquiries/:id/rectification.xlsx — the ledger as Excel, with the columns offices use (序号, 问题, 整改要求,
 * 牵头单位, 配合单位, 整改时限, 进展情况, 状态). The ledger page's filters apply when given.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idField().safeParse(params.id);
  if (!canReadInquiry(user, id.data ?? 0)) forbidden("整改台账仅供人大工作人员和委员导出。");
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id.data);
  if (!inquiry) notFound("该专题询问不存在");
  const ledger = await listLedger(db, inquiry.id, ledgerFilterFrom(new URL(request.url)), null);
  const bytes = await ledgerWorkbook(inquiry.title, ledger.rows);
  const name = `${inquiry.title}整改台账（${todayInShanghai()}）.xlsx`;
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": XLSX_MIME,
      "Content-Length": String(bytes.length),
      "Content-Disposition": `attachment; filename="rectification-${inquiry.id}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
