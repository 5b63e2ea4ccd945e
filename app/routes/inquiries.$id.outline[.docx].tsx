import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { outlineDocx, outlineFileName } from "~/outline/docx.server";
import { loadOutlineExport } from "~/outline/versions.server";

/**
 * /inquiries/:id/outline.docx — the approved outline as a Word document (the issued version, else the newest
 * approved one; ?version=N for any version, marked when not approved).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { head, version } = await loadOutlineExport(getDb(), request, params, {
    forbidden: "询问提纲仅供人大工作人员和委员导出。",
    noApprovedVersion: "询问提纲尚未经主任会议审定，暂无可导出的版本。",
  });
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
