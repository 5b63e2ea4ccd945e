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
