import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { publicRectificationStatus } from "../rectification/rectification.server";
import { getPublishedDigest } from "./digest.server";

/**
 * The public page of an inquiry: its published digest and, only when staff chose to publish it, the
 * rectification status (which holds no personal data). Null while the digest is unpublished.
 */
export async function publicDigestPage(db: Kysely<Database>, inquiryId: number) {
  const digest = await getPublishedDigest(db, inquiryId);
  if (!digest) return null;
  return { digest, rectification: await publicRectificationStatus(db, inquiryId) };
}
