/**
 * Search gives the same results on SQLite (FTS5) and PostgreSQL (bigram tsvector + GIN + substring check;
 * docs/decisions/0171) for the same data: the demo inquiry plus documents made for the edge cases — a
 * 2-character word, a phrase whose bigrams all occur but not together, a match beyond tsvector's position
 * limit (16,383) in a long document, and full-width text. Runs in the SQLite pass of `npm test`, which has a
 * PostgreSQL test cluster at hand (BOTH_ENGINES); skipped when none is.
 */
import { seedDemo } from "../../db/seed/demo";
import { BOTH_ENGINES, createTestDb, makeOrganization, type TestDb } from "../test/db";
import { parseSearchQuery, search } from "./search.server";
import type { Reader } from "./indexer.server";

const QUERIES = ["就业", "脱贫", "医养结合", "扶贫 产业", '"产业扶贫"', "教育", "贫困户", "养老服务", "驻村", "ppp项目", "遥远的词", "远的词语", "搬迁", "2020"];

describe.skipIf(!BOTH_ENGINES)("search on SQLite and PostgreSQL (same data, same results)", () => {
  const dbs: TestDb[] = [];
  beforeAll(async () => {
    dbs.push(await createTestDb({ engine: "sqlite" }), await createTestDb({ engine: "postgres" }));
    for (const t of dbs) {
      await seedDemo(t.db);
      await makeOrganization(t.db, { name: "市民政局", kind: "department" });
      // beyond tsvector's 16,383 positions: the phrase sits at the very end of a 40,000-character text
      const long = `${"无关文字内容".repeat(7000)}遥远的词语在最后。`;
      for (const text of [long, "医养结合的养老服务中心已建成", "医养 结合（两处分开）", "ＰＰＰ项目入库", "就业帮扶车间", "结合医养"]) {
        await t.db.insertInto("research_findings").values({ inquiry_id: 1, activity_id: null, text, created_by: null, created_at: "2020-08-01T02:00:00.000Z" }).execute();
      }
    }
  }, 180_000);
  afterAll(async () => {
    for (const t of dbs) await t.cleanup();
  });

  const readers: [string, Reader][] = [
    ["staff", { role: "staff", organizationId: null, organizationKind: null }],
    ["admin", { role: "admin", organizationId: null, organizationKind: null }],
    ["a department", { role: "department", organizationId: 1, organizationKind: "department" }],
    ["a county", { role: "county", organizationId: 20, organizationKind: "county_congress" }],
  ];

  for (const [label, who] of readers) {
    it(`${label}: the same hits, counts and order for every query`, async () => {
      for (const q of QUERIES) {
        const parsed = parseSearchQuery(q);
        if (!parsed.ok) throw new Error(parsed.message);
        for (const rankLimit of [0, 1000]) {
          const [a, b] = await Promise.all(dbs.map((t) => search(t.db, who, parsed, { page: 1, pageSize: 200, rankLimit })));
          const key = (r: typeof a) => ({ total: r.total, byKind: r.byKind, capped: r.capped, ordering: r.ordering });
          expect(key(b), `${label} ${q}`).toEqual(key(a));
          const hits = (r: typeof a) => r.hits.map((h) => `${h.kind}:${h.recordId}`);
          // kind and time order is exact on both; relevance order may differ slightly (decision 0171)
          if (a.ordering === "kind_and_time") expect(hits(b), `${label} ${q}`).toEqual(hits(a));
          else expect(hits(b).sort(), `${label} ${q}`).toEqual(hits(a).sort());
        }
      }
    }, 120_000);
  }

  it("finds 2-character words and a phrase at the end of a 40,000-character document on both", async () => {
    const staff = readers[0][1];
    for (const t of dbs) {
      for (const q of ["就业", "遥远的词语", "医养结合"]) {
        const parsed = parseSearchQuery(q);
        if (!parsed.ok) throw new Error(parsed.message);
        const r = await search(t.db, staff, parsed, { page: 1, pageSize: 50 });
        expect(r.total, q).toBeGreaterThan(0);
      }
      // all bigrams present but apart: no match (医养 … 结合, and 结合医养)
      const apart = parseSearchQuery("养结");
      if (!apart.ok) throw new Error(apart.message);
      const r = await search(t.db, staff, apart, { page: 1, pageSize: 50 });
      expect(r.hits.every((h) => !h.snippet.some((s) => s.text.includes("医养 结合") || s.text === "结合医养"))).toBe(true);
    }
  });
});
