import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { canReadChaseLetter, forbidden, notFound } from "~/policy.server";
import { chaseLetterDocx, chaseLetterFileName } from "~/queue/chase-docx.server";
import { getChase } from "~/queue/chase.server";

/** /chase-ups/:id.docx — the 催办函 of one chase-up, as Word (GB/T 9704 layout). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = z.coerce.number().int().positive().safeParse(params.id);
  if (!id.success) notFound("该催办函不存在");
  const letter = await getChase(getDb(), id.data);
  if (!letter) notFound("该催办函不存在");
  if (!canReadChaseLetter(user, letter)) forbidden("催办函仅供负责该专题询问的人大工作人员和被催办单位查阅。");
  const buffer = await chaseLetterDocx(letter);
  return new Response(new Uint8Array(buffer), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "Content-Length": String(buffer.byteLength),
      "Content-Disposition": `attachment; filename="chase-${letter.id}.docx"; filename*=UTF-8''${encodeURIComponent(chaseLetterFileName(letter))}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
