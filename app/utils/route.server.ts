import { requireUser, type CurrentUser } from "../auth/session.server";
import { getDb } from "../db.server";
import { getInquiry } from "../inquiries/inquiries.server";
import { forbidden, notFound } from "../policy.server";
import { parseId } from "./ids";

/**
 * The one parser of a record id in a URL (params.id, params.itemId …): the id, or a 404 response with
 * `message` (Chinese, naming what does not exist). A malformed id names no record, so it is "not found" too.
 */
export function idParam(value: string | undefined, message: string): number {
  const id = parseId(value);
  if (id === null) notFound(message);
  return id;
}

/**
 * The one preamble of the pages under /inquiries/:id: the signed-in user (else the sign-in redirect), who must
 * pass `allowed`, a policy predicate (else 403 with `forbiddenMessage`), and the inquiry of params.id (else 404).
 * A malformed id is asked of the policy as inquiry 0 first, so a user who may not see inquiries at all gets the
 * same 403 whatever id they type.
 */
export async function loadInquiryFor(
  request: Request,
  params: { id?: string },
  allowed: (user: CurrentUser, inquiryId: number) => boolean,
  forbiddenMessage: string,
) {
  const user = await requireUser(request);
  const id = parseId(params.id);
  if (!allowed(user, id ?? 0)) forbidden(forbiddenMessage);
  if (id === null) notFound("该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id);
  if (!inquiry) notFound("该专题询问不存在");
  return { user, db, inquiry };
}
