import { AlignmentType, Packer, Paragraph } from "docx";
import { formatDate } from "../utils/time";
import { xmlSafeDeep } from "../utils/text";
import { blankLine, bodyParagraph, LINE, leftLine, officialDocument, run, SIZE, titleParagraph } from "./official-docx.server";
import type { Letter } from "./letters.server";

/**
 * A formal letter as Word, in the one official layout (official-docx.server.ts, GB/T 9704-2012):
 * - 发文字号 flush right at the top, as the 信函格式 places it (§10.1);
 * - 标题 二号小标宋, centred, one blank line below;
 * - 主送机关 flush left, ending with a full-width colon (§7.3.2);
 * - 正文 三号仿宋 with a two-character indent, the list (questions or items with their 整改时限) in place of
 *   the template's {清单} line;
 * - three blank lines for the seal, then the 发文机关署名 centred over the 成文日期, which stands four
 *   characters in from the right (§7.3.5.1: 印章端正、居中下压发文机关署名和成文日期; the date in Arabic numerals).
 */

/** Width of a text in 三号 characters: CJK one, ASCII digits and letters half. */
function widthInChars(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) < 0x2e80 ? 0.5 : 1;
  return w;
}

function rightAt(text: string, charsIn: number): Paragraph {
  return new Paragraph({ spacing: LINE, alignment: AlignmentType.RIGHT, indent: { right: Math.round(SIZE.san * 20 * charsIn) }, children: [run(text)] });
}

/** The 落款: sender centred over the date, the date 4 characters in from the right. */
export function sealingLines(sender: string, date: string): Paragraph[] {
  const dateText = formatDate(date);
  const offset = 4 + Math.max(0, (widthInChars(dateText) - widthInChars(sender)) / 2);
  return [blankLine(), blankLine(), blankLine(), rightAt(sender, offset), rightAt(dateText, 4)];
}

export async function letterDocx(stored: Letter): Promise<Buffer> {
  const letter = xmlSafeDeep(stored);
  const children: Paragraph[] = [];
  if (letter.doc_number) children.push(new Paragraph({ spacing: LINE, alignment: AlignmentType.RIGHT, children: [run(letter.doc_number)] }));
  children.push(blankLine(), titleParagraph(letter.title), blankLine(), leftLine(`${letter.addressee}：`));
  for (const p of letter.paragraphs) {
    if (p === "{清单}") for (const entry of letter.list) children.push(bodyParagraph(entry.text));
    else children.push(bodyParagraph(p));
  }
  children.push(...sealingLines(letter.sender, letter.letter_date));
  return Packer.toBuffer(officialDocument({ creator: letter.sender, title: letter.title, description: `${letter.doc_number} ${letter.title}` }, children));
}
