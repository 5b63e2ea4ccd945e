import { Packer, type Paragraph } from "docx";
import { blankLine, bodyParagraph, FONTS, headingParagraph, officialDocument, run, subtitleParagraph, titleParagraph } from "../documents/official-docx.server";
import { chineseNumber } from "../outline/labels";
import { xmlSafeDeep } from "../utils/text";
import { formatDate } from "../utils/time";
import type { Digest, DigestLine } from "./digest.server";
import { paragraphsOf } from "./labels";

/**
 * The digest as a Word document in the 公文/简报 layout shared by every Word export (GB/T 9704-2012 through
 * app/documents/official-docx.server.ts): title 二号小标宋 centred; the reporter and the congress and date
 * each on a line of their own in 楷体 below it; the intro; per keyword a 一级标题 in 黑体 (“一、关键词：…”) and
 * its headline as a 二级标题 in 楷体; each exchange as the published shape ("市人大常委会委员马爱国询问：…"),
 * the lead in 黑体 and the words in 三号仿宋; page numbers “— 1 —”. No colour.
 */
function lineParagraphs(line: DigestLine): Paragraph[] {
  const [first = "", ...rest] = line.paragraphs;
  return [bodyParagraph([run(line.lead, FONTS.heading), run(first)]), ...rest.map((p) => bodyParagraph(p))];
}

export async function digestToDocx(stored: Digest): Promise<Buffer> {
  // Only XML-legal characters reach the file, whatever is stored (the one sanitising step of every export).
  const digest = xmlSafeDeep(stored);
  const children: Paragraph[] = [titleParagraph(digest.title)];
  if (digest.reporter) children.push(subtitleParagraph(digest.reporter));
  if (digest.meetingDate) children.push(subtitleParagraph(`${digest.congress}　${formatDate(digest.meetingDate)}`));
  children.push(blankLine());
  for (const p of paragraphsOf(digest.introText)) children.push(bodyParagraph(p));
  for (const speech of digest.before) for (const line of speech.lines) children.push(...lineParagraphs(line));
  let n = 0;
  for (const group of digest.groups) {
    if (group.keyword) children.push(headingParagraph(`${chineseNumber(++n)}、关键词：${group.keyword}`, 1));
    if (group.headline) children.push(headingParagraph(group.keyword ? `（${group.headline}）` : group.headline, group.keyword ? 2 : 1));
    for (const exchange of group.exchanges) for (const line of exchange.lines) children.push(...lineParagraphs(line));
  }
  for (const speech of digest.after) for (const line of speech.lines) children.push(...lineParagraphs(line));
  for (const p of paragraphsOf(digest.closingText)) children.push(bodyParagraph(p));

  return Packer.toBuffer(officialDocument({ creator: digest.congress || "询问", title: digest.title, description: `${digest.inquiryTitle}摘要` }, children));
}

/** The download name: the digest title, trimmed of characters file systems reject. */
export function docxFileName(digest: Digest): string {
  const base = `${digest.inquiryTitle}摘要`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").slice(0, 80);
  return `${base}.docx`;
}
