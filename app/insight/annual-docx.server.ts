import { AlignmentType, BorderStyle, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from "docx";
import { ACCOUNTABILITY_KIND_LABELS, ACCOUNTABILITY_KINDS } from "../followup/labels";
import { bodyParagraph, FONTS, headingParagraph, officialDocument, PT, run, subtitleParagraph, titleParagraph } from "../documents/official-docx.server";
import { VOTE_CHOICE_LABELS } from "../meeting/labels";
import { xmlSafeDeep } from "../utils/text";
import { formatDate } from "../utils/time";
import type { AnnualReport } from "./annual.server";

/**
 * The annual report as a Word document, in the one GB/T 9704 layout of every Word export (app/documents/official-docx.server.ts): title, the year's figures in prose, the per-department table, votes
 * and accountability steps. Its input passes through xmlSafeDeep: the file opens whatever text is stored.
 */
export function annualTitle(congress: string, year: number): string {
  return `${congress || "人大常委会"}${year}年度专题询问工作报告`;
}

const border = { style: BorderStyle.SINGLE, size: 4, color: "000000" };
const cell = (text: string, bold = false) =>
  new TableCell({
    borders: { top: border, bottom: border, left: border, right: border },
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, bold ? FONTS.heading : FONTS.body, { size: PT(12) })] })],
  });

const para = (text: string) => bodyParagraph(text);
const heading = (text: string) => headingParagraph(text);

export async function annualDocx(congress: string, input: AnnualReport): Promise<Buffer> {
  const r = xmlSafeDeep(input);
  const t = r.totals;
  const children: (Paragraph | Table)[] = [
    titleParagraph(annualTitle(congress, r.year)),
    subtitleParagraph(`（数据截至${formatDate(r.asOf)}）`),
    heading("一、专题询问开展情况"),
    para(
      r.inquiries.length
        ? `${r.year}年共开展专题询问${t.inquiries}次，询问提纲列出问题${t.questions}个，询问会现场问答${t.exchanges}次。` +
            r.inquiries.map((i) => `${formatDate(i.meetingDate)}，${i.title}（提纲问题${i.questions}个，问答${i.exchanges}次${i.unplanned ? `，其中现场提问${i.unplanned}次` : ""}）`).join("；") +
            "。"
        : `${r.year}年未召开专题询问会。`,
    ),
    heading("二、问题整改情况"),
    para(`全年新交办整改事项${t.raised}项，销号${t.closed}项（其中按期${t.onTime}项、逾期完成${t.late}项），结转${t.carriedOver}项；截至${formatDate(r.asOf)}，逾期未完成${t.overdue}项。`),
  ];
  if (r.departments.length) {
    children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: [
          new TableRow({ tableHeader: true, children: ["牵头单位", "新交办", "销号", "按期", "逾期完成", "逾期未完成", "结转", "催办"].map((h) => cell(h, true)) }),
          ...r.departments.map(
            (d) => new TableRow({ children: [d.name, d.raised, d.closed, d.onTime, d.late, d.overdue, d.carriedOver, d.chaseUps].map((v) => cell(String(v))) }),
          ),
        ],
      }),
    );
  }
  children.push(
    heading("三、满意度测评情况"),
    para(
      r.votes.count
        ? `全年完成满意度测评${r.votes.count}次，通过${r.votes.passed}次、未通过${r.votes.notPassed}次；合计${Object.entries(r.votes.choices)
            .map(([k, v]) => `${VOTE_CHOICE_LABELS[k as keyof typeof VOTE_CHOICE_LABELS]}${v}票`)
            .join("、")}。`
        : "全年未进行满意度测评。",
    ),
    heading("四、跟踪问效情况"),
    para(`全年发出催办${r.accountability.chaseUps}次；测评未通过、要求重新报告${r.accountability.reReports}次；研究处理情况报告退回重新报送${r.accountability.resubmissions}次；${ACCOUNTABILITY_KINDS.map((k) => `${ACCOUNTABILITY_KIND_LABELS[k]}${r.accountability.steps[k]}次`).join("、")}。`),
  );
  // officialDocument is typed for paragraphs; a section takes tables as well
  return Packer.toBuffer(officialDocument({ creator: congress || "询问", title: annualTitle(congress, r.year), description: `${r.year}年度专题询问工作报告` }, children as Paragraph[]));
}
