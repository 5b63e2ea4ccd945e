// npm run db:advance-sequences: after rows were written with explicit ids (pg_restore of a data-only dump, an
// import, hand-made inserts) moves every identity sequence past the largest id of its table, so the next
// insert does not collide (db/engine.ts advanceIdentitySequences). Nothing to do on SQLite.
import { advanceIdentitySequences, engineOf } from "../engine";
import { openDatabase } from "../client";

const db = openDatabase();
try {
  await advanceIdentitySequences(db);
  console.log(engineOf(db) === "postgres" ? "已将各表的自增序列推进到现有最大编号之后" : "SQLite 数据库无需处理");
} finally {
  await db.destroy();
}
