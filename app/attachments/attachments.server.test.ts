import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canReadAttachment } from "../policy.server";
import { createTestDb, makeUser, type TestDb } from "../test/db";
import { attachmentFilePath, attachmentOwner, checkUploads, MAX_ATTACHMENT_BYTES, saveAttachments } from "./attachments.server";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

function file(name: string, bytes: Buffer | string, type = "application/octet-stream") {
  return new File([new Uint8Array(typeof bytes === "string" ? Buffer.from(bytes) : bytes)], name, { type });
}

describe("checkUploads", () => {
  it("accepts a PDF and a PNG by content, with a hash", async () => {
    const result = await checkUploads([file("报告.pdf", PDF), file("照片.PNG", PNG)]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.files.map((f) => f.mimeType)).toEqual(["application/pdf", "image/png"]);
    expect(result.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a disguised file: text named .pdf, an executable named .docx", async () => {
    const text = await checkUploads([file("假的.pdf", "just some text, not a pdf", "application/pdf")]);
    expect(text).toEqual({ ok: false, message: expect.stringContaining("不是允许的文件类型") });
    const exe = await checkUploads([file("x.docx", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200)]))]);
    expect(exe.ok).toBe(false);
  });

  it("refuses a PDF renamed to .png (extension does not match the content)", async () => {
    const result = await checkUploads([file("图.png", PDF)]);
    expect(result).toEqual({ ok: false, message: expect.stringContaining("扩展名与实际内容") });
  });

  it("refuses a file over 20 MB and more than 10 files", async () => {
    const big = await checkUploads([file("大.pdf", Buffer.concat([PDF, Buffer.alloc(MAX_ATTACHMENT_BYTES)]))]);
    expect(big).toEqual({ ok: false, message: expect.stringContaining("超过 20 MB") });
    const many = await checkUploads(Array.from({ length: 11 }, (_, i) => file(`${i}.pdf`, PDF)));
    expect(many).toEqual({ ok: false, message: expect.stringContaining("最多上传 10 个") });
  });

  it("cleans path parts and control characters from file names", async () => {
    const result = await checkUploads([file("../../etc/报告\u0001.pdf", PDF)]);
    expect(result.ok && result.files[0].fileName).toBe("报告_.pdf");
  });
});

describe("saveAttachments and the download permission", () => {
  let t: TestDb;
  let uploads: string;
  beforeEach(async () => {
    t = await createTestDb();
    uploads = await mkdtemp(join(tmpdir(), "xunwen-uploads-"));
    process.env.XUNWEN_UPLOAD_DIR = uploads;
  });
  afterEach(async () => {
    await t.cleanup();
    await rm(uploads, { recursive: true, force: true });
    delete process.env.XUNWEN_UPLOAD_DIR;
  });

  it("stores content-addressed files outside the database with an audit entry each", async () => {
    const staff = await makeUser(t.db, { role: "staff" });
    const checked = await checkUploads([file("a.pdf", PDF), file("b.pdf", PDF)]);
    if (!checked.ok) throw new Error(checked.message);
    const ids = await t.db.transaction().execute((trx) => saveAttachments(trx, staff.actor, { inquiryId: null, type: "research_activity", id: 7 }, checked.files));
    expect(ids).toHaveLength(2);
    const path = attachmentFilePath(checked.files[0].sha256);
    expect(path.startsWith(uploads)).toBe(true);
    expect(readFileSync(path).equals(PDF)).toBe(true);
    const audit = await t.db.selectFrom("audit_log").select("action").where("action", "=", "attachment.upload").execute();
    expect(audit).toHaveLength(2);
  });

  it("lets a county read only the attachments of its own delegation", () => {
    const own = { type: "survey_report", delegationOrganizationIds: [5], status: "submitted", inquiryId: 3 };
    expect(canReadAttachment({ role: "county", organizationId: 5 }, own)).toBe(true);
    expect(canReadAttachment({ role: "county", organizationId: 6 }, own)).toBe(false);
    expect(canReadAttachment({ role: "department", organizationId: 5 }, own)).toBe(false);
    expect(canReadAttachment({ role: "staff", organizationId: null }, own)).toBe(true);
    // a draft report's files stay the county's until it is submitted (issue 16 item 3)
    const draft = { ...own, status: "pending" };
    expect(canReadAttachment({ role: "county", organizationId: 5 }, draft)).toBe(true);
    expect(canReadAttachment({ role: "staff", organizationId: null }, draft)).toBe(false);
    expect(canReadAttachment({ role: "member", organizationId: null, memberInquiryIds: [3] }, draft)).toBe(false);
    expect(canReadAttachment({ role: "admin", organizationId: null }, draft)).toBe(false);
    expect(canReadAttachment({ role: "staff", organizationId: null }, { type: "survey_report", delegationOrganizationIds: [5], inquiryId: 3 })).toBe(false);
    const draftAnswer = { type: "preparation_answer", delegationOrganizationIds: [7], status: "draft", inquiryId: 3 };
    expect(canReadAttachment({ role: "department", organizationId: 7 }, draftAnswer)).toBe(true);
    expect(canReadAttachment({ role: "staff", organizationId: null }, draftAnswer)).toBe(false);
    expect(canReadAttachment({ role: "member", organizationId: null, memberInquiryIds: [3] }, draftAnswer)).toBe(false);
    expect(canReadAttachment({ role: "member", organizationId: null, memberInquiryIds: [3] }, { ...draftAnswer, status: "submitted" })).toBe(true);
    expect(canReadAttachment({ role: "county", organizationId: 5 }, { type: "research_activity", delegationOrganizationIds: [], inquiryId: 3 })).toBe(false);
    expect(canReadAttachment({ role: "county", organizationId: 6 }, { type: "survey_request", delegationOrganizationIds: [5, 6], inquiryId: 3 })).toBe(true);
    // a member: only of the inquiries they take part in (docs/decisions/0031)
    expect(canReadAttachment({ role: "member", organizationId: null, memberInquiryIds: [3] }, own)).toBe(true);
    expect(canReadAttachment({ role: "member", organizationId: null, memberInquiryIds: [2] }, own)).toBe(false);
  });

  it("resolves a report attachment's owner to the delegation's organisation", async () => {
    expect(await attachmentOwner(t.db, { owner_type: "survey_report", owner_id: 999, inquiry_id: 4 })).toEqual({
      type: "survey_report",
      delegationOrganizationIds: [],
      status: undefined,
      inquiryId: 4,
    });
    expect(existsSync(uploads)).toBe(true);
  });
});
