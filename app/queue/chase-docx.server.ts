import { AlignmentType, Packer, Paragraph } from "docx";
import { LINE, officialDocument, FONTS as OUTLINE_FONTS, PT, run } from "../documents/official-docx.server";
import { describeDaysLeft } from "../utils/deadline";
import { daysBetween, formatDate, todayInShanghai } from "../utils/time";
import type { ChaseLetter } from "./chase.server";

/**
 * The 催办函 as a Word document, in the layout of the other official exports (GB/T 9704-2012, shared through
 * officialDocument): title 催办函 in 方正小标宋 二号; the recipient (主送机关) flush left; the body in 仿宋 三号
 * with a two-character first-line indent naming the work and its deadline; the sender — the standing
 * committee — and the date (成文日期, Arabic numerals as the 2012 standard has it) to the right.
 */
export function chaseLetterFileName(letter: Pick<ChaseLetter, "id" | "organization_name">): string {
  return `催办函（${letter.organization_name}，第${letter.id}号）.docx`;
}

export function chaseLetterParagraphs(letter: ChaseLetter): string[] {
  const sentOn = todayInShanghai(new Date(letter.sent_at));
  const left = daysBetween(sentOn, letter.due_date);
  const state = left < 0 ? `已${describeDaysLeft(left).replace(/^已/, "")}` : left === 0 ? "今天到期" : `距期限仅${describeDaysLeft(left).replace(/^还/, "")}`;
  const body = [
    `按照${letter.congress}关于「${letter.inquiry_title}」的工作安排，${letter.subject}办理期限为${formatDate(letter.due_date)}。截至${formatDate(sentOn)}，${state}，尚未办结。`,
    "请你单位高度重视，抓紧办理，按要求报送办理情况；确有困难需要延长期限的，请说明理由并及时提出。",
  ];
  if (letter.note) body.push(letter.note);
  body.push("特此函告。");
  return body;
}

export async function chaseLetterDocx(letter: ChaseLetter): Promise<Buffer> {
  const sentOn = todayInShanghai(new Date(letter.sent_at));
  const children: Paragraph[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 0, after: 560, line: 700, lineRule: LINE.lineRule },
      children: [run("催办函", OUTLINE_FONTS.title, { size: PT(22) })],
    }),
    new Paragraph({ spacing: LINE, children: [run(`${letter.organization_name}：`, OUTLINE_FONTS.body)] }),
    ...chaseLetterParagraphs(letter).map(
      (text) => new Paragraph({ spacing: LINE, indent: { firstLine: 640 }, alignment: AlignmentType.JUSTIFIED, children: [run(text, OUTLINE_FONTS.body)] }),
    ),
    new Paragraph({ spacing: LINE, children: [] }),
    new Paragraph({ spacing: LINE, alignment: AlignmentType.RIGHT, indent: { right: 1280 }, children: [run(letter.congress || "人大常委会", OUTLINE_FONTS.body)] }),
    new Paragraph({ spacing: LINE, alignment: AlignmentType.RIGHT, indent: { right: 1280 }, children: [run(formatDate(sentOn), OUTLINE_FONTS.body)] }),
  ];
  return Packer.toBuffer(officialDocument({ creator: letter.congress || "询问", title: "催办函", description: letter.subject }, children));
}
