import { foldForSearch, searchRuns } from "../search/normalize";

/**
 * Character n-grams of Chinese text for comparing problems and answers (issue 22; docs/decisions/0120). Text is
 * folded as search folds it (app/search/normalize.ts: NFKC, lower case, zero-width characters gone), cut into runs
 * of letters and digits, and each run into overlapping character pairs; generic words of questions and reports
 * (请问, 如何, 工作, 情况…) are dropped, so what remains says what the text is about.
 */

/** Words every question or report uses; their pairs carry no subject. */
export const GENERIC_WORDS = [
  "请问", "如何", "怎么", "怎样", "什么", "哪些", "是否", "有没有", "多少", "为什么", "目前", "下一步", "今后", "采取", "措施", "工作", "情况", "问题",
  "我市", "全市", "市里", "我们", "你们", "贵单位", "部门", "有关", "相关", "方面", "进一步", "打算", "计划", "开展", "加强", "推进", "存在", "解决",
  "谈谈", "介绍", "一下", "哪些", "已经", "还有", "以及", "主要", "具体", "这个", "那些", "这些", "对于", "关于", "一些", "部分", "有的", "没有", "不够",
  "到位", "落实", "整改", "要求", "单位", "应询", "询问", "答复", "回答", "说明", "请你", "请您", "一是", "二是", "三是", "同时", "要把", "能否", "做好",
  // the template of outline questions ("我市在…方面采取了哪些措施，进展情况如何？", "今年年初以来…造成了哪些影响")
  "扶贫", "进展", "取得", "今年", "年初", "以来", "针对性", "影响", "造成", "重要", "原因", "意义", "我市在", "市政府", "总体", "安排", "环节", "核心",
  "重点", "领域", "之一", "助推", "推动", "基本", "要素", "建立", "长效机制", "新冠肺炎", "疫情", "进一步", "需要", "持续", "有待", "仍然", "依然",
];
const GENERIC_PAIRS = new Set(GENERIC_WORDS.flatMap((w) => pairsOf(w)));

function pairsOf(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

const GENERIC_RE = new RegExp([...GENERIC_WORDS].sort((a, b) => b.length - a.length).join("|"), "g");

/** The subject-bearing character pairs of a text, with their counts: generic words cut out first, so no pair spans one. */
export function contentGrams(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const run of searchRuns(foldForSearch(text).replace(GENERIC_RE, " "))) {
    for (const g of pairsOf(run)) {
      if (GENERIC_PAIRS.has(g) || /^\d+$/.test(g)) continue;
      out.set(g, (out.get(g) ?? 0) + 1);
    }
  }
  return out;
}

/** Letters and digits of a text (what "how long" counts: punctuation and spaces are not words). */
export function wordLength(text: string): number {
  return [...foldForSearch(text)].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
}

/**
 * The parts of `question` whose character pairs `answer` never uses: maximal runs of the question's own
 * characters, longest first, generic words left out (what the answer does not address).
 */
export function uncoveredTerms(question: string, answerGrams: ReadonlySet<string>, limit = 4): string[] {
  const runs: string[] = [];
  for (const run of searchRuns(foldForSearch(question))) {
    const chars = [...run];
    let current = "";
    for (let i = 0; i < chars.length; i++) {
      const left = i > 0 ? chars[i - 1] + chars[i] : "";
      const right = i + 1 < chars.length ? chars[i] + chars[i + 1] : "";
      const covered = (left && answerGrams.has(left)) || (right && answerGrams.has(right));
      const generic = (left && GENERIC_PAIRS.has(left)) || (right && GENERIC_PAIRS.has(right));
      if (covered || generic) {
        if ([...current].length >= 2) runs.push(current);
        current = "";
      } else current += chars[i];
    }
    if ([...current].length >= 2) runs.push(current);
  }
  return [...new Set(runs)].sort((a, b) => [...b].length - [...a].length).slice(0, limit);
}
