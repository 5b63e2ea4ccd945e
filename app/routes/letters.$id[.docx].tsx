import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { wordResponse } from "~/documents/download.server";
import { letterDocx } from "~/documents/letters-docx.server";
import { getLetter, letterFileName } from "~/documents/letters.server";
import { canReadLetter, forbidden, notFound } from "~/policy.server";
import { idField } from "~/utils/ids";
import { idParam } from "~/utils/route.server";

/** /letters/:id.docx — a formal letter as Word (GB/T 9704): the staff who manage its inquiry and its addressee. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.id, "该公文不存在");
  const letter = await getLetter(getDb(), id);
  if (!letter) notFound("该公文不存在");
  if (!canReadLetter(user, { organizing_body: letter.organizing_body, created_by: letter.inquiry_created_by, organization_id: letter.organization_id })) {
    forbidden("公文仅供负责该专题询问的人大工作人员和主送单位查阅。");
  }
  return wordResponse(await letterDocx(letter), `letter-${letter.id}.docx`, letterFileName(letter));
}
