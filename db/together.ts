/**
 * Runs several statements at once and waits for every one of them, failing with the first error.
 *
 * Each statement costs a round trip to sqlite3's thread pool; statements that do not depend on each other can
 * share one. Unlike Promise.all it never returns early: inside a transaction, a failure must not let the
 * ROLLBACK overtake a statement still in flight (which would then run on its own, outside the transaction).
 */
export async function together<const T extends readonly unknown[]>(...work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
