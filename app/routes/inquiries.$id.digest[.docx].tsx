import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCurrentUser, requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { digestToDocx, docxFileName } from "~/meeting/digest-docx.server";
import { buildDigest, getPublishedDigest } from "~/meeting/digest.server";
import { parseId } from "~/meeting/forms.server";
import { getMeetingByInquiry } from "~/meeting/setup.server";
import { canReadDigest, forbidden, notFound } from "~/policy.server";

/**
 * The digest as a Word document. Anyone may download a published digest (as they may read it on /public);
 * before publication only staff and members.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const inquiryId = parseId(params.id, "该专题询问不存在");
  const meeting = await getMeetingByInquiry(db, inquiryId);
  const published = !!meeting?.digest_published_at;
  const user = await getCurrentUser(request);
  if (!canReadDigest(user, published, inquiryId)) {
    if (!user) await requireUser(request);
    forbidden("询问会摘要发布前仅供人大工作人员和委员查阅。");
  }
  // once published, the document is the published one (personal data masked); before that, the internal draft
  const digest = !meeting ? undefined : published ? await getPublishedDigest(db, inquiryId) : await buildDigest(db, inquiryId);
  if (!digest) notFound("该询问会尚无摘要");
  const buffer = await digestToDocx(digest);
  return new Response(new Uint8Array(buffer), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "Content-Disposition": `attachment; filename="digest-${inquiryId}.docx"; filename*=UTF-8''${encodeURIComponent(docxFileName(digest))}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
