/**
 * Search at scale, alone: generates (or reuses) a benchmark database, times the full re-index of migration
 * 0010 (rebuildSearchIndex: every document folded and built in TypeScript), then times `search` for the
 * benchmark's words as staff and as the busiest department. Usage:
 *   npx tsx scripts/bench/search-index.ts <city|province> <database file>
 */
import { existsSync } from "node:fs";
import { migrateToLatest, openDatabase } from "../../db/client";
import { rebuildSearchIndex } from "../../app/search/indexer.server";
import { parseSearchQuery, search } from "../../app/search/search.server";
import { generate, SIZES } from "./generate";

const [sizeName = "city", path = `/tmp/xunwen-search-${sizeName}.db`] = process.argv.slice(2);
const fresh = !existsSync(path);
const db = openDatabase(path);
await migrateToLatest(db);
if (fresh) {
  const t0 = performance.now();
  await generate(db, SIZES[sizeName]);
  console.log(`generated ${sizeName} in ${Math.round(performance.now() - t0)} ms (index included)`);
}
const t1 = performance.now();
const documents = await rebuildSearchIndex(db);
console.log(`re-indexed ${documents} queue entries in ${Math.round(performance.now() - t1)} ms`);
const busy = await db.selectFrom("organizations").select("id").where("kind", "=", "department").orderBy("id").executeTakeFirstOrThrow();
const who = {
  staff: { role: "staff" as const, organizationId: null, organizationKind: null },
  department: { role: "department" as const, organizationId: busy.id, organizationKind: "department" as const },
};
for (const q of ["就业", "稳岗就业", "脱贫 就业"]) {
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) throw new Error(parsed.message);
  for (const [name, user] of Object.entries(who)) {
    for (const year of [undefined, 2021]) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 7; i++) {
        const t = performance.now();
        total = (await search(db, user, parsed, { page: 1, pageSize: 20, year })).total;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`${q}\t${name}\tyear=${year ?? "-"}\ttotal=${total}\tmedian ${times[3].toFixed(1)} ms\tmax ${times[6].toFixed(1)} ms`);
    }
  }
}
await db.destroy();
