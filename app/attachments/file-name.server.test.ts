import { describe, expect, it } from "vitest";
import { checkUploads, cleanFileName, MAX_FILE_NAME_CHARS } from "./attachments.server";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const file = (name: string, bytes: Buffer) => new File([new Uint8Array(bytes)], name, { type: "application/pdf" });

describe("long and extension-only file names (issue 16)", () => {
  it("a real PDF with a 124-character name is accepted, shortened in its stem, keeping .pdf", async () => {
    const name = `关于${"脱贫攻坚专项整改".repeat(14)}的报告.pdf`;
    expect(name.length).toBeGreaterThan(120);
    const result = await checkUploads([file(name, PDF)]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.files[0].fileName.endsWith(".pdf")).toBe(true);
    expect([...result.files[0].fileName].length).toBe(MAX_FILE_NAME_CHARS);
    expect(result.files[0].fileName.startsWith("关于脱贫攻坚")).toBe(true);
  });

  it("a name that is only an extension gets a stem", async () => {
    const result = await checkUploads([file(".pdf", PDF)]);
    expect(result).toMatchObject({ ok: true, files: [{ fileName: "附件.pdf" }] });
  });

  it("cleans without splitting characters or losing the extension", () => {
    expect(cleanFileName("a/b\\c\u0001d.PDF")).toBe("c_d.PDF");
    expect(cleanFileName("   ")).toBe("附件");
    expect(cleanFileName("😀".repeat(200) + ".docx")).toBe("😀".repeat(115) + ".docx");
    expect(cleanFileName("x".repeat(300))).toBe("x".repeat(120));
  });
});
