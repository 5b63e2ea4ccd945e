/**
 * Personal data in text to be published (issue 22 item 3; docs/decisions/0121-personal-data-before-publication.md).
 * Pure functions: what counts as a hit, and how a hit is written in the published version. Nothing here reads
 * the database; app/insight/pii.server.ts keeps the reviews and the publication gate.
 *
 * Kinds of hit:
 * - id_number: 18-character 公民身份号码 with a plausible birth date and a valid check character (GB 11643-1999,
 *   ISO 7064 MOD 11-2: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check "10X98765432").
 * - mobile: 11 digits 1[3-9]xxxxxxxxx, optionally +86 and grouped 3-4-4 by spaces or hyphens.
 * - landline: a trunk-prefixed area code 0xx or 0xxx and a 7–8 digit number, "0391-1234567" or "(0391)1234567".
 * - bank_card: 16–19 digits (optionally in groups of four) that pass the Luhn check (ISO/IEC 7812-1).
 * - name: a personal name (common surname + one or two characters) right after a household marker such as
 *   户主, 贫困户, 患者 — the way poverty-alleviation evidence names people.
 * Digit runs are read whole: a number inside a longer run of digits is not a hit (it is some other number).
 */
export type PiiKind = "id_number" | "mobile" | "landline" | "bank_card" | "name";

export const PII_KIND_LABELS: Record<PiiKind, string> = {
  id_number: "身份证号",
  mobile: "手机号码",
  landline: "固定电话",
  bank_card: "银行卡号",
  name: "姓名",
};

export interface PiiHit {
  kind: PiiKind;
  /** the characters as they stand in the text */
  match: string;
  /** UTF-16 offsets into the text, end exclusive */
  start: number;
  end: number;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** GB 11643: 17 digits, a birth date YYYYMMDD at 7–14 that exists, and the MOD 11-2 check character. */
export function isValidIdNumber(value: string): boolean {
  const v = value.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return false;
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  const d = Number(v.slice(12, 14));
  if (y < 1880 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === v[17];
}

function looksLikeIdNumber(v: string): boolean {
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  const d = Number(v.slice(12, 14));
  return y >= 1880 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** The Luhn check (ISO/IEC 7812-1) of a digit string. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Full-width digits, X and separators read as ASCII, one UTF-16 unit for one, so offsets stay those of the text. */
function widthFold(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch.length === 1 && c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else out += ch;
  }
  return out;
}

// A run of digits, possibly grouped by single spaces or hyphens, optionally ending in X (an ID number);
// not preceded or followed by a letter or digit.
const NUMBER_RUN = /(?<![0-9A-Za-z])(?:\+?86[\s-]?)?\(?\d[\d\s\-)]*[\dXx](?![0-9A-Za-z])/g;

/** Common surnames (百家姓, the frequent ones); a few that are also everyday words are left out to limit noise. */
const SURNAMES = new Set(
  [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤穆农卓古吉缪简芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝"],
);
const COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯"];

/** Characters that end a name rather than continue it (verbs, particles, kinship and household words). */
const AFTER_NAME = new Set([..."的家等和与及在是已未因患户领享住到向对被为于表介讲去来一二三儿女妻夫父母之也都均仍还经所将并又每共现反说称同其今年月日中户人同志老"]);

/** Household markers (户主, 贫困户, 患者…) after which a personal name is expected. Longest first. */
export const HOUSEHOLD_MARKERS = [
  "建档立卡贫困户", "建档立卡户", "边缘易致贫户", "脱贫监测户", "贫困户", "低保户", "五保户", "特困户", "脱贫户", "监测户", "困难户",
  "户主", "患者", "病人", "残疾人", "留守儿童", "孤儿", "村民", "居民", "家属", "申请人", "当事人",
];
const MARKER_RE = new RegExp(`(?:${HOUSEHOLD_MARKERS.join("|")})[：:，,、\\s]{0,2}`, "g");
const HAN = /\p{Script=Han}/u;

function nameAt(text: string, at: number): string | null {
  const compound = COMPOUND_SURNAMES.find((s) => text.startsWith(s, at));
  const surnameLength = compound ? 2 : SURNAMES.has(text[at]) ? 1 : 0;
  if (!surnameLength) return null;
  let end = at + surnameLength;
  for (let n = 0; n < 2; n++) {
    const ch = text[end];
    if (!ch || !HAN.test(ch) || AFTER_NAME.has(ch)) break;
    end++;
  }
  return end - at > surnameLength ? text.slice(at, end) : null;
}

function classifyNumber(raw: string): PiiKind | null {
  const compact = raw.replace(/[\s\-()]/g, "");
  const hasCountry = /^\+?86/.test(compact) && compact.replace(/^\+?86/, "").length === 11;
  const body = hasCountry ? compact.replace(/^\+?86/, "") : compact.replace(/^\+/, "");
  if (/^\d{17}[\dXx]$/.test(body) && isValidIdNumber(body)) return "id_number";
  if (/[Xx]/.test(body) || /\+/.test(body)) return null;
  if (/^1[3-9]\d{9}$/.test(body)) return "mobile";
  if (/^0[1-9]\d{1,2}\d{7,8}$/.test(body) && /^\(?0\d{2,3}\)?[\s-]?\d{7,8}$/.test(raw.trim()) && body.length >= 10 && body.length <= 12) return "landline";
  // an 18-digit number shaped like an ID number (a birth date at 7–14) is read as one: with a wrong check
  // character it is no ID number, and no card number either
  if (body.length === 18 && looksLikeIdNumber(body)) return null;
  if (/^[3-69]\d{15,18}$/.test(body) && luhnValid(body) && /^(\d{16,19}|\d{4}([\s-]\d{4}){3}([\s-]\d{1,3})?)$/.test(raw.trim())) return "bank_card";
  return null;
}

/** Every hit in `text`, in order of position, not overlapping. Pure. */
export function findPersonalData(text: string): PiiHit[] {
  const folded = widthFold(text);
  const hits: PiiHit[] = [];
  for (const m of folded.matchAll(NUMBER_RUN)) {
    // a run may join two numbers by a space ("138 0000 0000 与 0391 …"): try the whole run, then its pieces
    const raw = m[0].replace(/[\s\-]+$/, "");
    const whole = classifyNumber(raw);
    if (whole) {
      hits.push({ kind: whole, match: text.slice(m.index!, m.index! + raw.length), start: m.index!, end: m.index! + raw.length });
      continue;
    }
    let offset = 0;
    for (const piece of raw.split(/(\s+)/)) {
      const kind = /\S/.test(piece) ? classifyNumber(piece) : null;
      const start = m.index! + offset;
      if (kind) hits.push({ kind, match: text.slice(start, start + piece.length), start, end: start + piece.length });
      offset += piece.length;
    }
  }
  for (const m of folded.matchAll(MARKER_RE)) {
    const at = m.index! + m[0].length;
    const name = nameAt(folded, at);
    if (name && !hits.some((h) => h.start < at + name.length && at < h.end)) {
      hits.push({ kind: "name", match: text.slice(at, at + name.length), start: at, end: at + name.length });
    }
  }
  return hits.sort((a, b) => a.start - b.start);
}

/**
 * How a hit is written in the published version: a name keeps its surname and becomes 张某 (欧阳某); a number
 * keeps its separators and every digit becomes ＊. Pure.
 */
export function maskHit(hit: Pick<PiiHit, "kind" | "match">): string {
  if (hit.kind === "name") {
    const compound = COMPOUND_SURNAMES.find((s) => hit.match.startsWith(s));
    return `${compound ?? hit.match[0]}某`;
  }
  return hit.match.replace(/[0-9０-９Xx]/g, "＊");
}

/** The text around a hit, for the reviewer: up to `width` characters either side. */
export function hitContext(text: string, hit: PiiHit, width = 16) {
  const before = text.slice(Math.max(0, hit.start - width), hit.start);
  const after = text.slice(hit.end, hit.end + width);
  return { before: (hit.start > width ? "…" : "") + before, match: hit.match, after: after + (hit.end + width < text.length ? "…" : "") };
}

/**
 * The published form of a text: each hit is masked unless `keep(hit)` says it was reviewed as not personal.
 * An unreviewed hit is masked too, so nothing unreviewed is ever published.
 */
export function redactText(text: string, keep: (hit: PiiHit) => boolean): string {
  const hits = findPersonalData(text);
  if (!hits.length) return text;
  let out = "";
  let at = 0;
  for (const hit of hits) {
    out += text.slice(at, hit.start) + (keep(hit) ? hit.match : maskHit(hit));
    at = hit.end;
  }
  return out + text.slice(at);
}
