/**
 * Splitting a government action plan (行动计划 / 实施方案, e.g. seeds/004) into tasks, and reading each task's
 * responsible units from its closing bracket. Pure functions (no database): the import module
 * (action-plan.server.ts) matches the names against the organisation list.
 *
 * The numbering is the one of official documents (《党政机关公文格式》GB/T 9704-2012 §7.3.3: 结构层次序数
 * “一、”“（一）”“1.”“（1）”): a numbered paragraph opens a block that runs until the next numbered paragraph.
 * A block is a task when one of its paragraphs ends with a responsibility bracket — “（市教育局、市财政局和各县
 * 市区党委政府负责）”, “（市扶贫办牵头，市财政局配合）” or “（牵头单位：…；配合单位：…）”. A block with two such
 * paragraphs gives two tasks (分项); text after the last bracket (e.g. 附表) is not part of the task.
 */

export interface PlanTask {
  /** 0-based position among the plan's tasks; the import form refers to tasks by it */
  index: number;
  /** the numbering path, e.g. "二、（一）1."; with "（第2项）" when one numbered block holds several tasks */
  label: string;
  /** the task's name: the first sentence after its number (up to 。), at most 100 characters */
  title: string;
  /** the source paragraph(s), numbering and bracket included, as in the plan */
  paragraph: string;
  /** the units as named, lead first (the first named, or the one said to 牵头) */
  units: string[];
  /** the bracket's text, e.g. "市教育局和各县市区党委政府负责" */
  clause: string;
}

const CN_NUM = "一二三四五六七八九十百零〇";
const LEVELS: { level: number; re: RegExp }[] = [
  { level: 1, re: new RegExp(`^([${CN_NUM}]+)[、．.]\\s*`) },
  { level: 2, re: new RegExp(`^[（(]([${CN_NUM}]+)[）)]\\s*`) },
  { level: 3, re: /^(\d{1,3})(?:[.．、](?!\d)|\s+)\s*/ },
  { level: 4, re: /^[（(](\d{1,3})[）)]\s*/ },
];

/** The numbering at the start of a paragraph: its level (1–4) and the token as written (e.g. "（一）"). */
export function numberingOf(paragraph: string): { level: number; token: string; rest: string } | null {
  for (const { level, re } of LEVELS) {
    const m = re.exec(paragraph);
    if (m) {
      const rest = paragraph.slice(m[0].length);
      // "2018年…" or "1.2万…" are not numbering: a number must be followed by its punctuation (level 3 allows a space)
      if (level === 3 && /^[年月日%万亿元个人项]/.test(rest)) return null;
      const token = m[0].trim().replace(/\s+/g, "");
      return { level, token: level === 3 ? token.replace(/[．、]$/, ".").replace(/^(\d+)$/, "$1.") : token, rest };
    }
  }
  return null;
}

const OPENERS = "（(";
const CLOSERS = "）)";
const RESPONSIBILITY = /负责|牵头|配合|责任单位|责任部门|承办/;

/**
 * The responsibility bracket at the very end of a paragraph (a trailing 。 or ； allowed), found by matching
 * brackets from the end, so names with brackets inside (“各县（市）区政府”) stay whole. Null when the paragraph
 * does not end with a bracket that names who is responsible.
 */
export function closingClause(paragraph: string): string | null {
  const text = paragraph.replace(/[\s。；;．.]+$/u, "");
  if (!text || !CLOSERS.includes(text[text.length - 1])) return null;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (CLOSERS.includes(c)) depth++;
    else if (OPENERS.includes(c)) {
      depth--;
      if (depth === 0) {
        const inner = text.slice(i + 1, text.length - 1).trim();
        return RESPONSIBILITY.test(inner) && inner.length <= 600 ? inner : null;
      }
    }
  }
  return null;
}

/** Splits a list of names on 、，；/ outside brackets (so “各县（市、区）政府” stays one name). */
function splitList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of list) {
    if (OPENERS.includes(c)) depth++;
    if (CLOSERS.includes(c)) depth = Math.max(0, depth - 1);
    if (depth === 0 && "、，,；;/／".includes(c)) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map(tidyName).filter(Boolean);
}

function tidyName(name: string): string {
  return name
    .trim()
    .replace(/^(?:由|请)/, "")
    .replace(/(?:等(?:单位|部门)?|分别|共同|具体)$/u, "")
    .replace(/[：:]$/, "")
    .trim();
}

/**
 * The units of a responsibility clause, lead first, as written (not yet matched to organisations).
 * `joins` decides whether a name containing 和/及/与 is one unit (“市人力资源和社会保障局”) or two (“市扶贫办和各县市
 * 区党委政府”): a name is split there when the part after the word starts with 各 (a collective, e.g. 各县市区党委政府)
 * or when `isKnown` recognises both sides as units; otherwise it stays whole.
 */
export function unitsOfClause(clause: string, isKnown: (name: string) => boolean = () => false): string[] {
  let leads: string[] = [];
  let others: string[] = [];
  const labelled = /牵头单位[：:]\s*([^；;]*)(?:[；;]\s*(?:配合|协办|参与|责任)单位[：:]\s*(.*))?/.exec(clause);
  const ledBy = /^(.*?)牵头[，,；;]?\s*(.*?)(?:配合|参与|协办|协助)?(?:负责)?$/.exec(clause);
  if (labelled) {
    leads = splitList(labelled[1]);
    others = splitList(labelled[2] ?? "");
  } else if (/牵头/.test(clause) && ledBy) {
    leads = splitList(ledBy[1]);
    others = splitList(ledBy[2]);
  } else {
    const body = clause
      .replace(/^(?:责任单位|责任部门|承办单位)[：:]\s*/, "")
      .replace(/(?:按职责)?(?:分别|共同|具体)?负责$/, "");
    leads = splitList(body);
  }
  const names = [...leads, ...others].flatMap((n) => splitJoined(n, isKnown));
  return [...new Set(names)];
}

function splitJoined(name: string, isKnown: (name: string) => boolean): string[] {
  if (isKnown(name)) return [name];
  for (const word of ["和", "及", "与", "以及"]) {
    let at = name.indexOf(word);
    while (at > 0) {
      const left = tidyName(name.slice(0, at));
      const right = tidyName(name.slice(at + word.length));
      if (left && right && (right.startsWith("各") || (isKnown(left) && (isKnown(right) || splitJoined(right, isKnown).every(isKnown))))) {
        return [left, ...splitJoined(right, isKnown)];
      }
      at = name.indexOf(word, at + 1);
    }
  }
  return [name];
}

/** A collective named in a clause (各县市区党委政府, 领导小组各成员单位): proposed to be left out, not matched. */
export function isCollectiveName(name: string): boolean {
  return /^各|各成员单位$|各有关|有关部门$|有关单位$|相关部门$/.test(name);
}

/** The first sentence after the number: the task's name. */
function titleOf(rest: string): string {
  const first = rest.split(/[。！？]/)[0].trim();
  const t = first || rest.trim();
  return t.length > 100 ? `${t.slice(0, 99)}…` : t;
}

/**
 * Splits plan text into its tasks. `text` is the plan as pasted or read from a .docx (one paragraph a line);
 * `isKnown` helps split joined names (see unitsOfClause).
 */
export function parsePlan(text: string, isKnown: (name: string) => boolean = () => false): PlanTask[] {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((p) => p.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ""))
    .filter(Boolean);
  const path: string[] = [];
  type Block = { label: string; title: string; paragraphs: string[] };
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const p of paragraphs) {
    const n = numberingOf(p);
    if (n) {
      path.length = n.level - 1;
      for (let i = 0; i < path.length; i++) path[i] ??= "";
      path[n.level - 1] = n.token;
      current = { label: path.filter(Boolean).join(""), title: titleOf(n.rest), paragraphs: [p] };
      blocks.push(current);
    } else if (current) {
      current.paragraphs.push(p);
    }
  }
  const tasks: PlanTask[] = [];
  for (const block of blocks) {
    const parts: { paragraphs: string[]; clause: string }[] = [];
    let run: string[] = [];
    for (const p of block.paragraphs) {
      run.push(p);
      const clause = closingClause(p);
      if (clause) {
        parts.push({ paragraphs: run, clause });
        run = [];
      }
    }
    parts.forEach((part, k) => {
      const lead = k === 0 ? null : numberingOf(part.paragraphs[0]);
      tasks.push({
        index: tasks.length,
        label: parts.length > 1 ? `${block.label}（第${k + 1}项）` : block.label,
        title: k === 0 ? block.title : titleOf(lead ? lead.rest : part.paragraphs[0]),
        paragraph: part.paragraphs.join("\n"),
        units: unitsOfClause(part.clause, isKnown),
        clause: part.clause,
      });
    });
  }
  return tasks;
}
