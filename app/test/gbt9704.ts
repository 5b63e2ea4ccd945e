import { expect } from "vitest";
import { docxLayout, officeXmlErrors } from "./office-xml";

const TWIP_PER_MM = 1440 / 25.4;

/**
 * Asserts that a .docx meets GB/T 9704-2012 as the document XML states it: valid OOXML; A4; margins
 * 37/35/28/26 mm; the document grid of 22 lines × 28 characters; body runs in 三号 (32 half-points)
 * 仿宋_GB2312 by default; the title a centred paragraph in 二号 (44) 方正小标宋简体; no colour; odd and even
 * footers holding the page number as “— PAGE —” in 四号 (28) 宋体. Returns the layout for further checks.
 */
export async function expectOfficialLayout(file: Buffer) {
  expect(await officeXmlErrors(file)).toEqual([]);
  const doc = await docxLayout(file);
  expect(doc.page).toEqual({ width: 11906, height: 16838 });
  const mm = (twips: number | null) => Math.round(((twips ?? 0) / TWIP_PER_MM) * 10) / 10;
  expect([mm(doc.margin.top), mm(doc.margin.bottom), mm(doc.margin.left), mm(doc.margin.right)]).toEqual([37, 35, 28, 26]);
  // the text area is 156 × 225 mm; 22 grid lines fill its height and 28 characters its width
  const height = 16838 - doc.margin.top! - doc.margin.bottom!;
  const width = 11906 - doc.margin.left! - doc.margin.right!;
  expect(doc.grid.type).toBe("linesAndChars");
  expect(Math.floor(height / doc.grid.linePitch!)).toBe(22);
  const charPitchPt = 16 + doc.grid.charSpace! / 4096;
  expect(Math.floor(width / 20 / charPitchPt + 0.01)).toBe(28);
  expect(doc.defaults).toEqual({ eastAsia: "仿宋_GB2312", size: 32 });
  const title = doc.paragraphs.find((p) => p.runs.some((r) => r.size === 44))!;
  expect(title).toBeDefined();
  expect(title.alignment).toBe("center");
  expect(title.runs[0]).toMatchObject({ eastAsia: "方正小标宋简体", size: 44 });
  // body lines are one grid line (exact), so a page holds 22
  const bodyLines = doc.paragraphs.filter((p) => p.line !== null && p !== title);
  expect(bodyLines.length).toBeGreaterThan(0);
  for (const p of bodyLines) expect({ line: p.line, rule: p.lineRule }).toEqual({ line: doc.grid.linePitch, rule: "exact" });
  // every body run is 三号 (the title alone is 二号)
  for (const p of doc.paragraphs) if (p !== title) for (const r of p.runs) if (r.text) expect(r.size).toBe(32);
  expect(doc.colors.filter((c) => c !== "000000" && c !== "auto")).toEqual([]);
  expect(doc.evenAndOdd).toBe(true);
  expect(doc.footers.map((f) => f.type).sort()).toEqual(["default", "even"]);
  for (const f of doc.footers) {
    expect(f.text.replace(/\s/g, "")).toBe("——");
    expect(f.xml).toMatch(/PAGE/);
    expect(f.xml).toContain('w:eastAsia="宋体"');
    expect(f.xml).toContain('<w:sz w:val="28"/>');
  }
  const odd = doc.footers.find((f) => f.type === "default")!;
  const even = doc.footers.find((f) => f.type === "even")!;
  expect(odd.xml).toContain('w:val="right"');
  expect(even.xml).toContain('w:val="left"');
  return doc;
}
