import {
  AlignmentType,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Paragraph,
  PageNumber,
  TextRun,
  type IRunOptions,
  type ParagraphChild,
} from "docx";

/**
 * The one document style of every Word export (outline, digest, the formal letters), after GB/T 9704-2012
 * 《党政机关公文格式》:
 * - §5.2.1 A4 (210 × 297 mm); §5.2.2 版心 156 × 225 mm with the top margin 37 mm, the left 28 mm — so the
 *   bottom 35 mm and the right 26 mm;
 * - §5.2.3 正文 三号仿宋_GB2312 (16 pt); §5.2.4 22 lines a page, 28 characters a line (the document grid:
 *   line pitch 225 mm / 22, character pitch 156 mm / 28);
 * - §7.3.1 标题 二号小标宋 (22 pt), centred, its own lines; §7.3.3 一级标题 黑体, 二级标题 楷体;
 * - §7.5 页码 四号半角宋体阿拉伯数字 with an em dash each side (“— 1 —”), 7 mm below the text area, odd pages
 *   at the right and even pages at the left, each one character in from the edge.
 * No colour anywhere: the standard's only colour is the red 版头 of a printed letterhead, which the office's
 * own paper carries.
 *
 * Units: docx sizes are half-points (PT), lengths twips (1/20 pt; MM converts).
 */
export const FONTS = {
  title: "方正小标宋简体",
  heading: "黑体",
  body: "仿宋_GB2312",
  kai: "楷体_GB2312",
  song: "宋体",
  latin: "Times New Roman",
} as const;

/** docx font sizes are half-points. */
export const PT = (points: number) => points * 2;
/** Chinese font sizes (字号) in points. */
export const SIZE = { er: 22, san: 16, si: 14 } as const;

export const TWIP_PER_MM = 1440 / 25.4;
export const MM = (mm: number) => Math.round(mm * TWIP_PER_MM);

/** Page and text area (GB/T 9704 §5.2), in twips. */
export const PAGE = {
  width: 11906,
  height: 16838,
  margin: { top: MM(37), bottom: MM(35), left: MM(28), right: MM(26) },
} as const;
export const TEXT_AREA = { width: MM(156), height: MM(225) };
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;

/** The grid's line pitch: 225 mm / 22 ≈ 28.95 pt (579 twips). Body lines are exactly this, so 22 fill a page. */
export const LINE_PITCH = Math.floor(TEXT_AREA.height / LINES_PER_PAGE);
/**
 * w:docGrid w:charSpace: how far the character pitch (156 mm / 28 ≈ 15.79 pt) differs from the 三号 body font
 * (16 pt), in 1/4096 pt (ECMA-376 §17.6.5) — negative: characters sit slightly closer than their size.
 */
export const CHAR_SPACE = Math.round(((TEXT_AREA.width / CHARS_PER_LINE / 20) - SIZE.san) * 4096);

/** The body's fixed line (one grid line). */
export const LINE = { line: LINE_PITCH, lineRule: LineRuleType.EXACT } as const;
/** Two characters of 三号: the first-line indent of a body paragraph. */
export const INDENT_2 = { firstLine: SIZE.san * 20 * 2 };

function font(eastAsia: string) {
  return { ascii: FONTS.latin, hAnsi: FONTS.latin, cs: FONTS.latin, eastAsia, hint: "eastAsia" as const };
}

/** A run in one of the faces, 三号 unless told. East-Asian and Latin faces are set apart (Word picks by script). */
export function run(text: string, face: string = FONTS.body, options: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, font: font(face), size: PT(SIZE.san), ...options });
}

/** The document's title: 二号小标宋, centred, on its own lines (a long title wraps within the paragraph). */
export function titleParagraph(text: string, after = 0): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: 0, after, line: LINE_PITCH, lineRule: LineRuleType.EXACT },
    children: [run(text, FONTS.title, { size: PT(SIZE.er) })],
  });
}

/** A centred line below the title (subtitle, author, date), 三号楷体, a paragraph of its own. */
export function subtitleParagraph(text: string): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing: LINE, children: [run(text, FONTS.kai)] });
}

/** A body paragraph: 三号仿宋, two-character first-line indent, justified, one grid line. */
export function bodyParagraph(children: string | ParagraphChild[], options: { keepNext?: boolean; indent?: boolean } = {}): Paragraph {
  return new Paragraph({
    spacing: LINE,
    indent: options.indent === false ? undefined : INDENT_2,
    alignment: AlignmentType.JUSTIFIED,
    keepNext: options.keepNext,
    children: typeof children === "string" ? [run(children)] : children,
  });
}

/** A 一级标题 (黑体) or 二级标题 (楷体) line, indented like the body. */
export function headingParagraph(text: string, level: 1 | 2 = 1): Paragraph {
  return new Paragraph({ spacing: LINE, indent: INDENT_2, keepNext: true, children: [run(text, level === 1 ? FONTS.heading : FONTS.kai)] });
}

/** An empty grid line. */
export function blankLine(): Paragraph {
  return new Paragraph({ spacing: LINE, children: [] });
}

/** A line flush right, `charsIn` characters in from the right edge (落款, 成文日期). */
export function rightLine(text: string, charsIn = 4): Paragraph {
  return new Paragraph({ spacing: LINE, alignment: AlignmentType.RIGHT, indent: { right: SIZE.san * 20 * charsIn }, children: [run(text)] });
}

/** A line flush left with no indent (主送机关). */
export function leftLine(text: string): Paragraph {
  return new Paragraph({ spacing: LINE, children: [run(text)] });
}

function pageNumberFooter(side: "odd" | "even"): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === "odd" ? AlignmentType.RIGHT : AlignmentType.LEFT,
        // one 四号 character in from the edge (§7.5)
        indent: side === "odd" ? { right: SIZE.si * 20 } : { left: SIZE.si * 20 },
        children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"], font: font(FONTS.song), size: PT(SIZE.si) })],
      }),
    ],
  });
}

/**
 * A Word document in the official layout above. `children` are the body paragraphs (build them with the
 * helpers here). The footer sits so that the page number's top is 7 mm below the text area (§7.5).
 */
export function officialDocument(meta: { creator: string; title: string; description: string }, children: Paragraph[]): Document {
  return new Document({
    ...meta,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: { run: { font: font(FONTS.body), size: PT(SIZE.san) }, paragraph: { spacing: LINE } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { ...PAGE.margin, header: MM(15), footer: MM(35 - 7) - SIZE.si * 20 },
          },
          grid: { type: DocumentGridType.LINES_AND_CHARS, linePitch: LINE_PITCH, charSpace: CHAR_SPACE },
        },
        footers: { default: pageNumberFooter("odd"), even: pageNumberFooter("even") },
        children,
      },
    ],
  });
}
