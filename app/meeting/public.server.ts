import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { publishedHandlingReports } from "../rectification/handling-review.server";
import { publicRectificationStatus } from "../rectification/closing.server";
import { getPublishedDigest } from "./digest.server";

/**
 * The public page of an inquiry: its published digest and, only when staff chose to publish it, the
 * rectification status (which holds no personal data), and the rounds of the government's handling report staff
 * published, each with the committee's 审议 (app/rectification/handling-review.server.ts). Null while the digest
 * is unpublished.
 */
export async function publicDigestPage(db: Kysely<Database>, inquiryId: number) {
  const digest = await getPublishedDigest(db, inquiryId);
  if (!digest) return null;
  return { digest, rectification: await publicRectificationStatus(db, inquiryId), handlingReports: await publishedHandlingReports(db, inquiryId) };
}
