// Drops and creates the PostgreSQL database of DATABASE_URL (C.UTF-8, UTF8), for the end-to-end server and
// `npm run demo -- --postgres --reset`. Connects to the cluster's `postgres` database to do it. Refuses a
// SQLite setting: a file is removed by the shell scripts themselves.
import pg from "pg";
import { isPostgresUrl } from "../engine";

const raw = process.env.DATABASE_URL?.trim();
if (!isPostgresUrl(raw)) {
  console.error("DATABASE_URL is not a PostgreSQL URL");
  process.exit(2);
}
const url = new URL(raw);
const name = decodeURIComponent(url.pathname.slice(1));
if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
  console.error(`refusing database name "${name}" (lower-case letters, digits and _ only)`);
  process.exit(2);
}
const keep = process.argv.includes("--keep");
url.pathname = "/postgres";
const client = new pg.Client({ connectionString: url.toString() });
await client.connect();
try {
  const exists = (await client.query("select 1 from pg_database where datname = $1", [name])).rowCount;
  if (exists && keep) process.exit(0);
  if (exists) await client.query(`drop database ${name} with (force)`);
  await client.query(`create database ${name} template template0 encoding 'UTF8' locale 'C.UTF-8'`);
} finally {
  await client.end();
}
