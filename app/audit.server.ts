import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema";
import { announceChange } from "./live/bus.server";
import { nowIso } from "./utils/time";

/** Who did something: the signed-in user (or the system, for commands and scheduled jobs) and where from. */
export interface Actor {
  id: number | null;
  label: string;
  ip: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, label: "系统", ip: "" };

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: number | string | null;
  summary: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes one audit entry. Always called with the transaction that makes the change, so the entry and the
 * change are committed (or rolled back) together. The change is also announced to live pages (entity type and
 * id only), delivered once the transaction commits (app/live/bus.server.ts).
 */
export async function recordAudit(
  trx: Transaction<Database> | Kysely<Database>,
  actor: Actor,
  record: AuditRecord,
): Promise<void> {
  await trx
    .insertInto("audit_log")
    .values({
      at: nowIso(),
      actor_id: actor.id,
      actor_label: actor.label,
      action: record.action,
      entity_type: record.entityType,
      entity_id: record.entityId == null ? null : String(record.entityId),
      summary: record.summary,
      before_json: record.before === undefined ? null : JSON.stringify(redact(record.before)),
      after_json: record.after === undefined ? null : JSON.stringify(redact(record.after)),
      ip: actor.ip,
    })
    .execute();
  await announceChange(trx, { e: record.entityType, id: record.entityId == null ? null : String(record.entityId) });
}

const SECRET_KEYS = new Set(["password", "password_hash", "passwordHash", "id_hash"]);

/** Secrets never reach the audit log. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.has(k) ? "[已隐藏]" : redact(v)]),
    );
  }
  return value;
}


export interface AuditFilter {
  actorId?: number;
  entityType?: string;
  from?: string; // ISO instant, inclusive
  to?: string; // ISO instant, exclusive
  page: number;
  pageSize: number;
}

export async function listAudit(db: Kysely<Database>, filter: AuditFilter) {
  let query = db.selectFrom("audit_log");
  if (filter.actorId) query = query.where("actor_id", "=", filter.actorId);
  if (filter.entityType) query = query.where("entity_type", "=", filter.entityType);
  if (filter.from) query = query.where("at", ">=", filter.from);
  if (filter.to) query = query.where("at", "<", filter.to);
  const [{ total }] = await query.select((eb) => eb.fn.countAll<number>().as("total")).execute();
  const rows = await query
    .selectAll()
    .orderBy("id", "desc")
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { rows, total: Number(total) };
}
