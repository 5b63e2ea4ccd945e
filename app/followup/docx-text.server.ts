import JSZip from "jszip";
import { cleanText } from "../utils/text";

/**
 * The text of a Word document (.docx, Office Open XML, ECMA-376 Part 1 §17): one line per paragraph (w:p) of
 * the main document part, tabs and line breaks kept, in document order (tables included, cell by cell).
 * Automatic list numbering (w:numPr) is not text in the file; plans are numbered by hand (“一、”“（一）”“1.”),
 * as official documents are (GB/T 9704-2012 §7.3.3), so nothing is lost for them.
 *
 * Errors: a file that is not a .docx (not a zip, or without word/document.xml) gives null; a document larger
 * than `maxChars` once read gives null too (the caller says the file cannot be read).
 */
export async function docxText(bytes: Buffer, maxChars = 1_000_000): Promise<string | null> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    return null;
  }
  const part = zip.file("word/document.xml");
  if (!part) return null;
  const xml = await part.async("string");
  if (xml.length > maxChars * 20) return null;
  const lines: string[] = [];
  for (const p of xml.match(/<w:p[ >][\s\S]*?<\/w:p>|<w:p\/>/g) ?? []) {
    let line = "";
    for (const m of p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>|<w:cr\/>/g)) {
      if (m[1] !== undefined) line += decodeXml(m[1]);
      else if (m[0] === "<w:tab/>") line += "\t";
      else line += "\n";
    }
    lines.push(line);
  }
  const text = cleanText(lines.join("\n"));
  return text.length > maxChars ? null : text;
}

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e === "lt") return "<";
    if (e === "gt") return ">";
    if (e === "amp") return "&";
    if (e === "quot") return '"';
    if (e === "apos") return "'";
    const code = e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

/** The text of an uploaded plan: .docx read as above, anything else as UTF-8 text (a BOM dropped). */
export async function planFileText(fileName: string, bytes: Buffer): Promise<string | null> {
  if (/\.docx$/i.test(fileName) || (bytes[0] === 0x50 && bytes[1] === 0x4b)) return docxText(bytes);
  if (/\.doc$/i.test(fileName)) return null;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\uFFFD") && text.replace(/[^\uFFFD]/g, "").length > text.length / 100) return null;
  return cleanText(text);
}
