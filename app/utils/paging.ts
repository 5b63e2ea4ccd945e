import { z } from "zod";

/** Page numbers from the query string: anything odd falls back to the first page. */
export function pageFrom(url: URL, param = "page"): number {
  const parsed = z.coerce.number().int().min(1).max(100_000).safeParse(url.searchParams.get(param) ?? "1");
  return parsed.success ? parsed.data : 1;
}
