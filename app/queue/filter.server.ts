import { z } from "zod";
import { QUEUE_KINDS, type QueueKind } from "./labels";

/** 待我办理's page size and filter (?kind=…&inquiry=…), shared by the page and its live event stream. */
export const QUEUE_PAGE_SIZE = 30;

const FilterSchema = z.object({
  kind: z.enum(QUEUE_KINDS as unknown as [QueueKind, ...QueueKind[]]).optional().catch(undefined),
  inquiry: z.coerce.number().int().positive().optional().catch(undefined),
});

export function queueFilterOf(url: URL): { kind?: QueueKind; inquiry?: number } {
  return FilterSchema.parse({ kind: url.searchParams.get("kind") || undefined, inquiry: url.searchParams.get("inquiry") || undefined });
}
