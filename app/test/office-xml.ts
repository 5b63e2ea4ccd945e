import JSZip from "jszip";
import { SaxesParser } from "saxes";

/**
 * The XML well-formedness errors of every part of an Office file (.docx, .xlsx), as Word and Excel would meet
 * them: an empty list means every part parses. Used by the export tests (issue 15.1).
 */
export async function officeXmlErrors(file: Buffer | Uint8Array): Promise<string[]> {
  const zip = await JSZip.loadAsync(file);
  const errors: string[] = [];
  for (const name of Object.keys(zip.files)) {
    if (!/\.(xml|rels)$/.test(name)) continue;
    const xml = await zip.file(name)!.async("string");
    const parser = new SaxesParser({ xmlns: true });
    parser.on("error", (e) => {
      errors.push(`${name}: ${e.message}`);
    });
    try {
      parser.write(xml).close();
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  return errors;
}

/** The text of the runs of a .docx body (w:t elements), joined. */
export async function docxText(file: Buffer | Uint8Array): Promise<string> {
  const zip = await JSZip.loadAsync(file);
  const xml = await zip.file("word/document.xml")!.async("string");
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("");
}

/** One run of a .docx body as the XML states it: its text, East-Asian font, size (half-points), colour, bold. */
export interface DocxRun {
  text: string;
  eastAsia: string | null;
  size: number | null;
  color: string | null;
  bold: boolean;
}
export interface DocxParagraph {
  runs: DocxRun[];
  text: string;
  alignment: string | null;
  line: number | null;
  lineRule: string | null;
}

const attr = (xml: string, name: string): string | null => new RegExp(`${name}="([^"]*)"`).exec(xml)?.[1] ?? null;

/**
 * What a .docx says about its layout, read from its XML (for the GB/T 9704 tests): page size and margins
 * (twips), the document grid, the default run font and size, the paragraphs with their runs, and the text and
 * fields of each footer part.
 */
export async function docxLayout(file: Buffer | Uint8Array) {
  const zip = await JSZip.loadAsync(file);
  const document = await zip.file("word/document.xml")!.async("string");
  const styles = (await zip.file("word/styles.xml")?.async("string")) ?? "";
  const settings = (await zip.file("word/settings.xml")?.async("string")) ?? "";
  const sectPr = /<w:sectPr[\s\S]*?<\/w:sectPr>/.exec(document)?.[0] ?? "";
  const pgSz = /<w:pgSz [^>]*>/.exec(sectPr)?.[0] ?? "";
  const pgMar = /<w:pgMar [^>]*>/.exec(sectPr)?.[0] ?? "";
  const grid = /<w:docGrid [^>]*>/.exec(sectPr)?.[0] ?? "";
  const num = (s: string, n: string) => (attr(s, n) === null ? null : Number(attr(s, n)));
  const docDefaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(styles)?.[0] ?? "";
  const body = document.slice(0, document.lastIndexOf("<w:sectPr"));
  const paragraphs: DocxParagraph[] = [...body.matchAll(/<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)].map((m) => {
    const p = m[1];
    const pPr = /<w:pPr>([\s\S]*?)<\/w:pPr>/.exec(p)?.[1] ?? "";
    const spacing = /<w:spacing [^>]*>/.exec(pPr)?.[0] ?? "";
    const runs = [...p.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map((r) => {
      const rPr = /<w:rPr>([\s\S]*?)<\/w:rPr>/.exec(r[1])?.[1] ?? "";
      return {
        text: [...r[1].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""),
        eastAsia: attr(/<w:rFonts [^>]*>/.exec(rPr)?.[0] ?? "", "w:eastAsia"),
        size: num(/<w:sz [^>]*>/.exec(rPr)?.[0] ?? "", "w:val"),
        color: attr(/<w:color [^>]*>/.exec(rPr)?.[0] ?? "", "w:val"),
        bold: /<w:b\/>|<w:b [^>]*>/.test(rPr),
      };
    });
    return {
      runs,
      text: runs.map((r) => r.text).join(""),
      alignment: attr(/<w:jc [^>]*>/.exec(pPr)?.[0] ?? "", "w:val"),
      line: num(spacing, "w:line"),
      lineRule: attr(spacing, "w:lineRule"),
    };
  });
  const footers: { name: string; type: string; text: string; xml: string }[] = [];
  for (const ref of sectPr.matchAll(/<w:footerReference [^>]*>/g)) {
    const rid = attr(ref[0], "r:id");
    const rels = await zip.file("word/_rels/document.xml.rels")!.async("string");
    const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)?.[1];
    const xml = target ? ((await zip.file(`word/${target}`)?.async("string")) ?? "") : "";
    footers.push({ name: target ?? "", type: attr(ref[0], "w:type") ?? "", text: [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""), xml });
  }
  return {
    page: { width: num(pgSz, "w:w"), height: num(pgSz, "w:h") },
    margin: { top: num(pgMar, "w:top"), bottom: num(pgMar, "w:bottom"), left: num(pgMar, "w:left"), right: num(pgMar, "w:right"), footer: num(pgMar, "w:footer") },
    grid: { type: attr(grid, "w:type"), linePitch: num(grid, "w:linePitch"), charSpace: num(grid, "w:charSpace") },
    defaults: { eastAsia: attr(/<w:rFonts [^>]*>/.exec(docDefaults)?.[0] ?? "", "w:eastAsia"), size: num(/<w:sz [^>]*>/.exec(docDefaults)?.[0] ?? "", "w:val") },
    evenAndOdd: /<w:evenAndOddHeaders\/>|<w:evenAndOddHeaders w:val="(true|1)"/.test(settings),
    paragraphs,
    footers,
    colors: [...document.matchAll(/<w:color [^>]*w:val="([^"]*)"/g)].map((m) => m[1]),
  };
}
