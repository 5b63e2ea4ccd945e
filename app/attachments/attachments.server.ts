import { fileTypeFromBuffer } from "file-type";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import type { Kysely, Transaction } from "kysely";
import { databasePath } from "../../db/client";
import type { AttachmentOwnerType, Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { isPostgresUrl } from "../../db/engine";
import { UPLOAD_DIR_REQUIRED } from "../live/processes.server";
import { nowIso } from "../utils/time";

/**
 * Attachments (shared by every stage): checked by content, not by name; stored outside the database under
 * their SHA-256; listed per owning record; downloaded only through a permission check on that record.
 */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_FILES_PER_UPLOAD = 10;
export const UPLOAD_FORM_LIMIT_BYTES = 25 * 1024 * 1024;

/** Allowed kinds: detected MIME type → the file-name extensions that may carry it. */
const ALLOWED: Record<string, { extensions: string[]; label: string }> = {
  "application/pdf": { extensions: [".pdf"], label: "PDF" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { extensions: [".docx"], label: "Word" },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { extensions: [".xlsx"], label: "Excel" },
  // Word 97–2003 and Excel 97–2003 are OLE compound files; file-type reports them as CFB
  "application/x-cfb": { extensions: [".doc", ".xls"], label: "Word/Excel 97–2003" },
  "image/png": { extensions: [".png"], label: "PNG 图片" },
  "image/jpeg": { extensions: [".jpg", ".jpeg"], label: "JPEG 图片" },
  "image/gif": { extensions: [".gif"], label: "GIF 图片" },
  "image/webp": { extensions: [".webp"], label: "WebP 图片" },
};


/**
 * Where attachments are stored: XUNWEN_UPLOAD_DIR, or on SQLite the folder `uploads` beside the database file.
 * On PostgreSQL there is no such file and several processes share the work: the folder must be configured (an
 * Error with UPLOAD_DIR_REQUIRED otherwise; server.mjs checks it at start).
 */
export function uploadDirectory(): string {
  const configured = process.env.XUNWEN_UPLOAD_DIR?.trim();
  if (configured) return resolve(configured);
  if (isPostgresUrl(process.env.DATABASE_URL?.trim())) throw new Error(UPLOAD_DIR_REQUIRED);
  return resolve(join(dirname(databasePath()), "uploads"));
}

export interface CheckedUpload {
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

export type UploadCheck = { ok: true; files: CheckedUpload[] } | { ok: false; message: string };

/** The non-empty files of a form field (a file input with nothing chosen posts one empty part). */
export function filesFromForm(formData: FormData, name: string): File[] {
  return formData.getAll(name).filter((v): v is File => typeof v === "object" && v !== null && "arrayBuffer" in v && v.size > 0);
}

export const MAX_FILE_NAME_CHARS = 120;

/**
 * The stored name of an uploaded file: the last path part, with control characters and characters that break
 * Content-Disposition or file systems replaced, at most MAX_FILE_NAME_CHARS characters. A long name loses the
 * end of its stem, never its extension (which the type check below needs); a name that is only an extension
 * (".pdf") becomes "附件.pdf". Issue 16.
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "_").trim();
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(cleaned)?.[0] ?? "";
  const stem = [...cleaned.slice(0, cleaned.length - ext.length).trim()];
  const kept = stem.slice(0, MAX_FILE_NAME_CHARS - ext.length).join("").trim() || "附件";
  return kept + ext;
}

export async function checkUploads(files: File[]): Promise<UploadCheck> {
  if (files.length > MAX_FILES_PER_UPLOAD) return { ok: false, message: `每次最多上传 ${MAX_FILES_PER_UPLOAD} 个文件` };
  const checked: CheckedUpload[] = [];
  for (const file of files) {
    const fileName = cleanFileName(file.name);
    if (file.size > MAX_ATTACHMENT_BYTES) return { ok: false, message: `「${fileName}」超过 20 MB，请压缩或拆分后再上传` };
    const bytes = Buffer.from(await file.arrayBuffer());
    const detected = await fileTypeFromBuffer(bytes);
    const allowed = detected ? ALLOWED[detected.mime] : undefined;
    if (!detected || !allowed) {
      return { ok: false, message: `「${fileName}」不是允许的文件类型（仅限 PDF、Word、Excel、图片）` };
    }
    const extension = extname(fileName).toLowerCase();
    if (!allowed.extensions.includes(extension)) {
      return { ok: false, message: `「${fileName}」的扩展名与实际内容（${allowed.label}）不符，请检查文件后再上传` };
    }
    checked.push({ fileName, mimeType: detected.mime, size: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex"), bytes });
  }
  return { ok: true, files: checked };
}

function storedPath(sha256: string): string {
  return join(uploadDirectory(), sha256.slice(0, 2), sha256);
}

/**
 * Writes the files (content-addressed, so a repeated upload is stored once) and records them with an audit
 * entry, inside the caller's transaction.
 */
export async function saveAttachments(
  trx: Transaction<Database>,
  actor: Actor,
  owner: { inquiryId: number | null; type: AttachmentOwnerType; id: number },
  files: CheckedUpload[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const file of files) {
    const path = storedPath(file.sha256);
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.bytes);
    }
    const row = await trx
      .insertInto("attachments")
      .values({
        inquiry_id: owner.inquiryId,
        owner_type: owner.type,
        owner_id: owner.id,
        file_name: file.fileName,
        mime_type: file.mimeType,
        size: file.size,
        sha256: file.sha256,
        uploaded_by: actor.id,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(row.id);
    await recordAudit(trx, actor, {
      action: "attachment.upload",
      entityType: "attachment",
      entityId: row.id,
      summary: `上传附件「${file.fileName}」（${Math.ceil(file.size / 1024)} KB）`,
      after: { owner_type: owner.type, owner_id: owner.id, file_name: file.fileName, mime_type: file.mimeType, size: file.size, sha256: file.sha256 },
    });
  }
  return ids;
}

export interface AttachmentSummary {
  id: number;
  owner_id: number;
  file_name: string;
  size: number;
  created_at: string;
}

export async function listAttachments(
  db: Kysely<Database>,
  ownerType: AttachmentOwnerType,
  ownerIds: number[],
): Promise<AttachmentSummary[]> {
  if (ownerIds.length === 0) return [];
  return db
    .selectFrom("attachments")
    .select(["id", "owner_id", "file_name", "size", "created_at"])
    .where("owner_type", "=", ownerType)
    .where("owner_id", "in", ownerIds)
    .orderBy("id")
    .execute();
}

export async function getAttachment(db: Kysely<Database>, id: number) {
  return db.selectFrom("attachments").selectAll().where("id", "=", id).executeTakeFirst();
}

export function attachmentFilePath(sha256: string): string {
  return storedPath(sha256);
}

/**
 * The owner of an attachment, as the policy needs it: its type and, for county surveys, the delegation's
 * organisation. A survey request's attachments are readable by each county it was delegated to.
 */
export async function attachmentOwner(
  db: Kysely<Database> | Transaction<Database>,
  attachment: { owner_type: AttachmentOwnerType; owner_id: number; inquiry_id: number | null },
) {
  return { ...(await ownerOrganizations(db, attachment)), inquiryId: attachment.inquiry_id };
}

async function ownerOrganizations(db: Kysely<Database> | Transaction<Database>, attachment: { owner_type: AttachmentOwnerType; owner_id: number }) {
  if (attachment.owner_type === "survey_report") {
    const d = await db.selectFrom("survey_delegations").select(["organization_id", "status"]).where("id", "=", attachment.owner_id).executeTakeFirst();
    // the report's status: a draft's files stay the county's (canReadDelegationReport)
    return { type: attachment.owner_type, delegationOrganizationIds: d ? [d.organization_id] : [], status: d?.status };
  }
  if (attachment.owner_type === "survey_request") {
    const rows = await db.selectFrom("survey_delegations").select("organization_id").where("request_id", "=", attachment.owner_id).execute();
    return { type: attachment.owner_type, delegationOrganizationIds: rows.map((r) => r.organization_id) };
  }
  if (attachment.owner_type === "progress_report") {
    // evidence of a rectification item: its lead department and co-departments
    const report = await db.selectFrom("progress_reports").select("item_id").where("id", "=", attachment.owner_id).executeTakeFirst();
    const item = report ? await db.selectFrom("rectification_items").select("lead_department_id").where("id", "=", report.item_id).executeTakeFirst() : undefined;
    const co = report ? await db.selectFrom("rectification_codepartments").select("organization_id").where("item_id", "=", report.item_id).execute() : [];
    return {
      type: attachment.owner_type,
      delegationOrganizationIds: [] as number[],
      rectificationOrganizationIds: item ? [item.lead_department_id, ...co.map((c) => c.organization_id)] : [],
    };
  }
  if (attachment.owner_type === "handling_report") {
    // the government's report: its organisations (市政府)
    const gov = await db.selectFrom("organizations").select("id").where("kind", "=", "government").execute();
    return { type: attachment.owner_type, delegationOrganizationIds: [] as number[], rectificationOrganizationIds: gov.map((g) => g.id) };
  }
  if (attachment.owner_type === "written_reply") {
    // the department that answers it (carried in the same field as a delegation's county)
    const w = await db.selectFrom("written_replies").select("department_id").where("id", "=", attachment.owner_id).executeTakeFirst();
    return { type: attachment.owner_type, delegationOrganizationIds: w ? [w.department_id] : [] };
  }
  if (attachment.owner_type === "preparation_answer") {
    // a department's preparation answer to an outline question: that department (carried like a delegation's county)
    const a = await db.selectFrom("preparation_answers").select(["department_id", "status"]).where("id", "=", attachment.owner_id).executeTakeFirst();
    // the answer's status: a draft's files stay the department's (canReadPreparationAnswerText)
    return { type: attachment.owner_type, delegationOrganizationIds: a ? [a.department_id] : [], status: a?.status };
  }
  return { type: attachment.owner_type, delegationOrganizationIds: [] as number[] };
}
