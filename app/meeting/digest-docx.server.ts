import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from "docx";
import { xmlSafeDeep } from "../utils/text";
import { formatDate } from "../utils/time";
import type { Digest, DigestLine } from "./digest.server";
import { paragraphsOf } from "./labels";

/**
 * The digest as a Word document (.docx): title, reporter, intro, then per keyword its headline and exchanges in
 * the published shape ("市人大常委会委员马爱国询问：…"), then the speeches and closing chosen by staff.
 */
const SONG = { ascii: "SimSun", hAnsi: "SimSun", eastAsia: "宋体" };
const HEI = { ascii: "SimHei", hAnsi: "SimHei", eastAsia: "黑体" };
const INDENT = { firstLine: 480 };

function bodyParagraph(text: string): Paragraph {
  return new Paragraph({ indent: INDENT, spacing: { after: 120, line: 360 }, children: [new TextRun({ text, font: SONG, size: 24 })] });
}

function lineParagraphs(line: DigestLine): Paragraph[] {
  const [first = "", ...rest] = line.paragraphs;
  return [
    new Paragraph({
      indent: INDENT,
      spacing: { after: 120, line: 360 },
      children: [new TextRun({ text: line.lead, font: HEI, size: 24, bold: true }), new TextRun({ text: first, font: SONG, size: 24 })],
    }),
    ...rest.map(bodyParagraph),
  ];
}

export async function digestToDocx(stored: Digest): Promise<Buffer> {
  // Only XML-legal characters reach the file, whatever is stored (the one sanitising step of every export).
  const digest = xmlSafeDeep(stored);
  const children: Paragraph[] = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
      spacing: { after: 200 },
      children: [new TextRun({ text: digest.title, font: HEI, size: 36, bold: true })],
    }),
  ];
  if (digest.reporter) {
    children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 200 }, children: [new TextRun({ text: digest.reporter, font: SONG, size: 22 })] }));
  }
  if (digest.meetingDate) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { after: 240 },
        children: [new TextRun({ text: `${digest.congress} · ${formatDate(digest.meetingDate)}`, font: SONG, size: 21, color: "555555" })],
      }),
    );
  }
  for (const p of paragraphsOf(digest.introText)) children.push(bodyParagraph(p));
  for (const speech of digest.before) for (const line of speech.lines) children.push(...lineParagraphs(line));
  for (const group of digest.groups) {
    if (group.keyword || group.headline) {
      children.push(
        new Paragraph({
          heading: HeadingLevel.HEADING_2,
          spacing: { before: 240, after: 120 },
          children: [
            ...(group.keyword ? [new TextRun({ text: `关键词：${group.keyword}`, font: HEI, size: 26, bold: true, color: "B3261E" })] : []),
            ...(group.keyword && group.headline ? [new TextRun({ text: "　", font: HEI, size: 26 })] : []),
            ...(group.headline ? [new TextRun({ text: group.headline, font: HEI, size: 26, bold: true, color: "1F2328" })] : []),
          ],
        }),
      );
    }
    for (const exchange of group.exchanges) for (const line of exchange.lines) children.push(...lineParagraphs(line));
  }
  for (const speech of digest.after) for (const line of speech.lines) children.push(...lineParagraphs(line));
  for (const p of paragraphsOf(digest.closingText)) children.push(bodyParagraph(p));

  const doc = new Document({
    creator: "询问 Xunwen",
    title: digest.title,
    description: `${digest.inquiryTitle}摘要`,
    styles: { default: { document: { run: { font: SONG, size: 24 } } } },
    sections: [{ properties: {}, children }],
  });
  return Packer.toBuffer(doc);
}

/** The download name: the digest title, trimmed of characters file systems reject. */
export function docxFileName(digest: Digest): string {
  const base = `${digest.inquiryTitle}摘要`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").slice(0, 80);
  return `${base}.docx`;
}
