import { Packer, Paragraph } from "docx";
import { bodyParagraph, blankLine, FONTS, headingParagraph, INDENT_2, LINE, officialDocument, run, subtitleParagraph, titleParagraph } from "../documents/official-docx.server";
import { xmlSafeDeep } from "../utils/text";
import { formatDate } from "../utils/time";
import { chineseNumber, questionerLabel, type OutlineSnapshot } from "./labels";

/**
 * The outline as a Word document in the official layout shared by every Word export
 * (app/documents/official-docx.server.ts, GB/T 9704-2012): title 二号小标宋, keywords as 一级标题 in 黑体,
 * headlines and questioners in 楷体, questions in 三号仿宋 on the 22-line grid, page numbers “— 1 —”.
 */
export interface OutlineExport {
  inquiry: { title: string; congress: string; session_name: string; meeting_date: string | null };
  version: { number: number; status: string; decided_on: string | null; issued_at: string | null };
  snapshot: OutlineSnapshot;
}

/** The title of the document: “…专题询问提纲”. */
export function outlineTitle(inquiryTitle: string): string {
  return inquiryTitle.endsWith("询问") ? `${inquiryTitle}提纲` : `${inquiryTitle}询问提纲`;
}

export function outlineFileName(inquiryTitle: string, versionNumber: number): string {
  return `${outlineTitle(inquiryTitle)}（第${versionNumber}版）.docx`;
}

/** The outline as .docx. Its input passes through xmlSafeDeep first: the file opens whatever text is stored. */
export async function outlineDocx(data: OutlineExport): Promise<Buffer> {
  const { inquiry, version, snapshot } = xmlSafeDeep(data);
  const children: Paragraph[] = [titleParagraph(outlineTitle(inquiry.title))];
  const sub = [inquiry.congress, inquiry.session_name].filter(Boolean).join(" ");
  if (sub) children.push(subtitleParagraph(`（${sub}）`));
  const dates = [
    inquiry.meeting_date ? `询问会日期：${formatDate(inquiry.meeting_date)}` : "",
    version.decided_on && version.status === "approved" ? `主任会议审定：${formatDate(version.decided_on)}` : "",
  ].filter(Boolean);
  children.push(subtitleParagraph(`${dates.join("　")}${dates.length ? "　" : ""}第${version.number}版${version.status === "approved" ? "" : "（未经审定）"}`));
  children.push(blankLine());

  let n = 0;
  snapshot.keywords.forEach((k, i) => {
    children.push(headingParagraph(`${chineseNumber(i + 1)}、${k.keyword}`, 1));
    if (k.headline) children.push(headingParagraph(`（${k.headline}）`, 2));
    for (const q of k.questions) {
      n++;
      children.push(bodyParagraph([run(`${n}．`), run(q.text)], { keepNext: true }));
      children.push(
        new Paragraph({
          spacing: LINE,
          indent: INDENT_2,
          children: [
            run("询问人：", FONTS.kai),
            run(questionerLabel({ questioner_name: q.questionerName, questioner_role: q.questionerRole }), FONTS.kai),
            run("　　应询部门：", FONTS.kai),
            run(q.departmentName, FONTS.kai),
          ],
        }),
      );
    }
  });
  if (n === 0) children.push(bodyParagraph("（本版提纲没有问题）"));

  return Packer.toBuffer(
    officialDocument({ creator: inquiry.congress || "询问", title: outlineTitle(inquiry.title), description: `询问提纲第${version.number}版` }, children),
  );
}
