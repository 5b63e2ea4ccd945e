import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadStream, existsSync } from "node:fs";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { z } from "zod";
import { attachmentFilePath, attachmentOwner, getAttachment } from "~/attachments/attachments.server";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { canReadAttachment, forbidden, notFound } from "~/policy.server";
import { idField } from "~/utils/ids";
import { idParam } from "~/utils/route.server";

/** Downloads an attachment after checking the same permission as the record it belongs to. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.id, "该附件不存在");
  const db = getDb();
  const attachment = await getAttachment(db, id);
  if (!attachment) notFound("该附件不存在");
  if (!canReadAttachment(user, await attachmentOwner(db, attachment))) forbidden("您无权下载该附件。");
  const path = attachmentFilePath(attachment.sha256);
  if (!existsSync(path)) notFound("附件文件已丢失，请联系系统管理员");
  const inline = attachment.mime_type === "application/pdf" || attachment.mime_type.startsWith("image/");
  return new Response(createReadableStreamFromReadable(createReadStream(path)), {
    headers: {
      "Content-Type": attachment.mime_type,
      "Content-Length": String(attachment.size),
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(attachment.file_name)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
