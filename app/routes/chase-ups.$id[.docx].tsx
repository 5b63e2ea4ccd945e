import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { letterDocx } from "~/documents/letters-docx.server";
import { letterFileName, letterOfChase, unnumberedChaseLetter } from "~/documents/letters.server";
import { canReadChaseLetter, forbidden, notFound } from "~/policy.server";
import { chaseState, getChase } from "~/queue/chase.server";
import { wordResponse } from "~/documents/download.server";

/** /chase-ups/:id.docx — the 催办函 of one chase-up, as Word (the letters module, GB/T 9704 layout). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = z.coerce.number().int().positive().safeParse(params.id);
  if (!id.success) notFound("该催办函不存在");
  const db = getDb();
  const chase = await getChase(db, id.data);
  if (!chase) notFound("该催办函不存在");
  if (!canReadChaseLetter(user, chase)) forbidden("催办函仅供负责该专题询问的人大工作人员和被催办单位查阅。");
  const letter = (await letterOfChase(db, chase.id)) ?? (await unnumberedChaseLetter(db, chase, chaseState));
  return wordResponse(await letterDocx(letter), `chase-${chase.id}.docx`, letterFileName(letter));
}
