import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { outlineDocx, outlineFileName } from "~/outline/docx.server";
import { exportVersion, getOutlineHead } from "~/outline/outline.server";
import { canReadWholeOutline, forbidden, notFound } from "~/policy.server";

/**
 * /inquiries/:id/outline.docx — the approved outline as a Word document (the issued version, else the newest
 * approved one; ?version=N for any version, marked when not approved).
 */
const IdSchema = z.coerce.number().int().positive();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canReadWholeOutline(user)) forbidden("询问提纲仅供人大工作人员和委员导出。");
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const head = await getOutlineHead(db, id.data);
  if (!head) notFound("该专题询问不存在");
  const raw = new URL(request.url).searchParams.get("version");
  const number = raw === null ? undefined : z.coerce.number().int().positive().safeParse(raw).data;
  if (raw !== null && number === undefined) notFound("该版本不存在");
  const version = await exportVersion(db, head.id, number);
  if (!version) notFound(number ? "该版本不存在" : "询问提纲尚未经主任会议审定，暂无可导出的版本。");
  const buffer = await outlineDocx({
    inquiry: { title: head.title, congress: head.congress, session_name: head.session_name, meeting_date: head.meeting_date },
    version: { number: version.number, status: version.status, decided_on: version.decided_on, issued_at: version.issued_at },
    snapshot: version.snapshot,
  });
  const name = outlineFileName(head.title, version.number);
  return new Response(new Uint8Array(buffer), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "Content-Length": String(buffer.byteLength),
      "Content-Disposition": `attachment; filename="outline-${head.id}-v${version.number}.docx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
