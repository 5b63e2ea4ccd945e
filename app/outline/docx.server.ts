import { AlignmentType, Document, Footer, LineRuleType, Packer, PageNumber, Paragraph, TextRun, type IRunOptions } from "docx";
import { xmlSafeDeep } from "../utils/text";
import { formatDate } from "../utils/time";
import { chineseNumber, questionerLabel, type OutlineSnapshot } from "./labels";

/**
 * The outline as a Word document in the layout of an official document (GB/T 9704 in spirit): A4, the usual
 * margins, the title in 方正小标宋简体 (二号), headings in 黑体, body in 仿宋_GB2312 (三号) at a fixed 28-point
 * line, page numbers “— 1 —” at the foot. East-Asian fonts are set separately from the Latin ones, so Word
 * uses the Chinese face for Chinese text whatever the Latin font is.
 */
export interface OutlineExport {
  inquiry: { title: string; congress: string; session_name: string; meeting_date: string | null };
  version: { number: number; status: string; decided_on: string | null; issued_at: string | null };
  snapshot: OutlineSnapshot;
}

export const OUTLINE_FONTS = {
  title: "方正小标宋简体",
  heading: "黑体",
  body: "仿宋_GB2312",
  kai: "楷体_GB2312",
  latin: "Times New Roman",
} as const;

/** docx sizes are half-points */
export const PT = (points: number) => points * 2;
const TWIP_PER_MM = 56.7;

function font(eastAsia: string) {
  return { ascii: OUTLINE_FONTS.latin, hAnsi: OUTLINE_FONTS.latin, cs: OUTLINE_FONTS.latin, eastAsia, hint: "eastAsia" };
}

/** A run in one of the document's faces, 三号 (16 pt) unless told. */
export function run(text: string, face: string, options: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, font: font(face), size: PT(16), ...options });
}

/** The body's fixed 28-point line. */
export const LINE = { line: 560, lineRule: LineRuleType.EXACT };

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
  const children: Paragraph[] = [];
  children.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 0, after: 240, line: 700, lineRule: LineRuleType.EXACT },
      children: [run(outlineTitle(inquiry.title), OUTLINE_FONTS.title, { size: PT(22) })],
    }),
  );
  const sub = [inquiry.congress, inquiry.session_name].filter(Boolean).join(" ");
  if (sub) children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: LINE, children: [run(`（${sub}）`, OUTLINE_FONTS.kai)] }));
  const dates = [
    inquiry.meeting_date ? `询问会日期：${formatDate(inquiry.meeting_date)}` : "",
    version.decided_on && version.status === "approved" ? `主任会议审定：${formatDate(version.decided_on)}` : "",
  ].filter(Boolean);
  children.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { ...LINE, after: 280 },
      children: [run(`${dates.join("　")}${dates.length ? "　" : ""}第${version.number}版${version.status === "approved" ? "" : "（未经审定）"}`, OUTLINE_FONTS.kai, { size: PT(14) })],
    }),
  );

  let n = 0;
  snapshot.keywords.forEach((k, i) => {
    children.push(
      new Paragraph({
        spacing: { ...LINE, before: 120 },
        indent: { firstLine: 640 },
        keepNext: true,
        children: [run(`${chineseNumber(i + 1)}、${k.keyword}`, OUTLINE_FONTS.heading)],
      }),
    );
    if (k.headline) {
      children.push(new Paragraph({ spacing: LINE, indent: { firstLine: 640 }, keepNext: true, children: [run(`（${k.headline}）`, OUTLINE_FONTS.kai)] }));
    }
    for (const q of k.questions) {
      n++;
      children.push(
        new Paragraph({
          spacing: LINE,
          indent: { firstLine: 640 },
          alignment: AlignmentType.JUSTIFIED,
          keepNext: true,
          children: [run(`${n}．`, OUTLINE_FONTS.body), run(q.text, OUTLINE_FONTS.body)],
        }),
      );
      children.push(
        new Paragraph({
          spacing: LINE,
          indent: { firstLine: 640 },
          children: [
            run("询问人：", OUTLINE_FONTS.kai),
            run(questionerLabel({ questioner_name: q.questionerName, questioner_role: q.questionerRole }), OUTLINE_FONTS.kai),
            run("　　应询部门：", OUTLINE_FONTS.kai),
            run(q.departmentName, OUTLINE_FONTS.kai),
          ],
        }),
      );
    }
  });
  if (n === 0) children.push(new Paragraph({ spacing: LINE, children: [run("（本版提纲没有问题）", OUTLINE_FONTS.body)] }));

  return Packer.toBuffer(
    officialDocument({ creator: inquiry.congress || "询问", title: outlineTitle(inquiry.title), description: `询问提纲第${version.number}版` }, children),
  );
}

/**
 * A document in the official layout shared by the Word exports (GB/T 9704-2012): A4, margins 37/35/28/26 mm
 * (top/bottom/left/right), body 仿宋_GB2312 三号 at a fixed 28-point line, page numbers “— 1 —” in 四号 at the
 * foot. Used by the outline and the 催办函 (app/queue/chase-docx.server.ts).
 */
export function officialDocument(meta: { creator: string; title: string; description: string }, children: Paragraph[]): Document {
  return new Document({
    ...meta,
    styles: {
      default: {
        document: { run: { font: font(OUTLINE_FONTS.body), size: PT(16) }, paragraph: { spacing: LINE } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 }, // A4 in twips
            margin: {
              top: Math.round(37 * TWIP_PER_MM),
              bottom: Math.round(35 * TWIP_PER_MM),
              left: Math.round(28 * TWIP_PER_MM),
              right: Math.round(26 * TWIP_PER_MM),
            },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"], font: font(OUTLINE_FONTS.body), size: PT(14) })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
}

