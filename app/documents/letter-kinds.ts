/**
 * The formal letters (公文) Xunwen writes, shared by server and browser code: their kinds, names and the
 * default templates an administrator may edit (/admin/letters). A template's body is plain text, one paragraph
 * a line; {占位符} are filled from the data when a letter is made (LETTER_PLACEHOLDERS); a line left empty after
 * filling is dropped; the line {清单} is where the letter's list (questions or items with their deadlines) goes.
 */
export const LETTER_KINDS = ["assign_outline", "assign_items", "supervise", "chase", "opinion"] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

export const LETTER_KIND_LABELS: Record<LetterKind, string> = {
  assign_outline: "交办函（询问问题）",
  assign_items: "交办函（整改事项）",
  supervise: "督办函",
  chase: "催办函",
  opinion: "审议意见书",
};

/** The placeholders a template may use, with what each becomes. */
export const LETTER_PLACEHOLDERS: Record<string, string> = {
  收文单位: "主送单位名称",
  常委会: "人大常委会名称",
  专题询问: "专题询问名称",
  会议: "常委会会议名称",
  询问会日期: "询问会日期",
  事项数: "清单所列问题或事项的数量",
  事项: "催办的事项（催办函）",
  期限: "催办事项的办理期限（催办函）",
  期限状态: "距期限或逾期情况（催办函）",
  报告期限: "研究处理情况报告的报送期限",
  日期: "成文日期",
  意见: "工作人员为本函填写的意见（可为空）",
  清单: "单独一行：问题或事项清单所在位置",
};

export interface LetterTemplateText {
  title: string;
  body: string;
}

export const DEFAULT_LETTER_TEMPLATES: Record<LetterKind, LetterTemplateText> = {
  assign_outline: {
    title: "关于交办{专题询问}询问问题的函",
    body: [
      "根据{常委会}工作安排，{会议}将于{询问会日期}就“{专题询问}”开展专题询问。经主任会议审定，现将涉及你单位的{事项数}个询问问题交办如下：",
      "{清单}",
      "请你单位认真研究准备，于询问会前报送书面准备答复，并安排主要负责同志到会应询。",
      "{意见}",
      "特此函告。",
    ].join("\n"),
  },
  assign_items: {
    title: "关于交办{专题询问}整改事项的函",
    body: [
      "{会议}对“{专题询问}”开展了专题询问。根据询问情况，现将需要你单位牵头整改的{事项数}项问题及整改时限交办如下：",
      "{清单}",
      "请你单位对照问题清单，逐项制定整改措施，明确责任和时限，按期报送整改进展；整改完成后提出销号申请并附佐证材料。",
      "{意见}",
      "特此函告。",
    ].join("\n"),
  },
  supervise: {
    title: "关于督办{专题询问}逾期整改事项的函",
    body: [
      "“{专题询问}”交办你单位牵头整改的事项中，以下{事项数}项已超过整改时限，截至{日期}尚未销号：",
      "{清单}",
      "请你单位高度重视，切实履行牵头责任，于收函后5个工作日内书面报送整改情况及下一步措施；确需延期的，请说明理由并提出申请。",
      "{意见}",
      "特此函告。",
    ].join("\n"),
  },
  chase: {
    title: "催办函",
    body: [
      "按照{常委会}关于“{专题询问}”的工作安排，{事项}办理期限为{期限}。截至{日期}，{期限状态}，尚未办结。",
      "请你单位高度重视，抓紧办理，按要求报送办理情况；确有困难需要延长期限的，请说明理由并及时提出。",
      "{意见}",
      "特此函告。",
    ].join("\n"),
  },
  opinion: {
    title: "{常委会}关于{专题询问}的审议意见",
    body: [
      "{会议}对“{专题询问}”开展了专题询问。常委会组成人员围绕有关问题进行了询问，提出了意见和建议。现将审议意见交办如下：",
      "{意见}",
      "询问中提出的问题已列入整改问题清单（共{事项数}项）：",
      "{清单}",
      "请认真研究处理，并于{报告期限}前将研究处理情况书面报告{常委会}。",
    ].join("\n"),
  },
};

/** The 文号 prefix (机关代字) used until the administrator sets one, e.g. 焦人常函. */
export const DEFAULT_LETTER_PREFIX = "人常函";
