import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cleanFormData, fields, parseForm, readFormData } from "./forms.server";
import { cleanString, cleanText, xmlSafe, xmlSafeDeep } from "./text";

describe("cleanText (issue 15.1, 16.6)", () => {
  it("removes the C0 controls copied from PDFs and old systems, keeping tab and newline", () => {
    expect(cleanText("健康\u000c扶贫\u000b政策\u0001落实\u0008不到位\u0000")).toBe("健康扶贫政策落实不到位");
    expect(cleanText("第一项\t说明\n第二项")).toBe("第一项\t说明\n第二项");
    expect(cleanText("\u007f\u0085\u009f")).toBe("");
  });

  it("turns CRLF and lone CR into LF", () => {
    expect(cleanText("一\r\n二\r三\n四")).toBe("一\n二\n三\n四");
  });

  it("removes lone surrogates and U+FFFE/U+FFFF but keeps real pairs (emoji, rare CJK)", () => {
    expect(cleanText("a\ud800b\udc00c\ufffe\uffff")).toBe("abc");
    expect(cleanText("👍𠀀")).toBe("👍𠀀");
  });

  it("removes zero-width characters, keeping the joiner only inside an emoji sequence", () => {
    expect(cleanText("农村\u200b饮水\u200c安全\u2060工程\ufeff\u200d")).toBe("农村饮水安全工程");
    expect(cleanText("\u200d饮水\u200d安全")).toBe("饮水安全");
    const family = "👨\u200d👩\u200d👧";
    expect(cleanText(family)).toBe(family);
    const technologist = "👩🏽\u200d💻";
    expect(cleanText(technologist)).toBe(technologist);
  });

  it("is idempotent and leaves ordinary text, full-width characters and spaces as typed", () => {
    const text = "  ＰＰＰ项目融资监管不到位，２０２６年第３季度前完成清理。 ";
    expect(cleanText(text)).toBe(text);
    const dirty = "x\u0000\u200b\r\ny";
    expect(cleanText(cleanText(dirty))).toBe(cleanText(dirty));
  });
});

describe("xmlSafe: what exports write", () => {
  it("keeps only XML 1.0 characters", () => {
    expect(xmlSafe("问题\u000c\u000b\u0001\u0008\u0000\ufffe\ud800：\t\n\r👍")).toBe("问题：\t\n\r👍");
  });
  it("cleans every string of a nested structure and leaves other values alone", () => {
    const when = new Date(0);
    const out = xmlSafeDeep({ a: "x\u0001", b: [{ c: "y\u000b" }, 3, null], d: when, e: true });
    expect(out).toEqual({ a: "x", b: [{ c: "y" }, 3, null], d: when, e: true });
    expect(out.d).toBe(when);
  });
});

describe("the input boundary: every form field is cleaned", () => {
  it("readFormData cleans every text value, whatever schema (or none) reads it; passwords pass unchanged", async () => {
    const body = new URLSearchParams({ title: "专题\u0000询问\u000c", other: "a\u200bb\r\nc", password: "p\u0001w" });
    const request = new Request("http://x/", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    const form = await readFormData(request);
    expect(form.get("title")).toBe("专题询问");
    expect(form.get("other")).toBe("ab\nc");
    expect(form.get("password")).toBe("p\u0001w");
  });

  it("keeps files as they are", () => {
    const form = new FormData();
    form.append("f", new Blob(["\u0000"]), "a.pdf");
    form.append("t", "a\u0000");
    const cleaned = cleanFormData(form);
    expect(cleaned.get("f")).toBeInstanceOf(Blob);
    expect(cleaned.get("t")).toBe("a");
  });

  it("the shared schema building block cleans before it checks (a field of only control characters is empty)", () => {
    const schema = z.object({ title: fields.requiredText("名称", 5), note: fields.optionalText("备注", 5), raw: cleanString() });
    const form = new FormData();
    form.set("title", "\u0000\u200b ");
    form.set("note", "一二三四五\u0000\u200b");
    form.set("raw", "a\u000cb");
    const parsed = parseForm(form, schema);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.fieldErrors.title).toEqual(["请填写名称"]);
    expect(parsed.fieldErrors.note).toBeUndefined();
    expect(schema.shape.raw.parse("a\u000cb")).toBe("ab");
  });
});
