/**
 * The words an installation uses for its own congress, made from the admin's setting (issue 13): the name
 * (e.g. 洛阳市人大常委会) and level, and from them the titles offered as examples (市人大常委会委员, 市人大代表 …).
 * Shared by server and browser code. An installation without the setting gets neutral examples (××市人大常委会):
 * no other congress's or city's name is ever offered.
 */
export type CongressLevel = "province" | "city" | "county";

export const CONGRESS_LEVELS: readonly CongressLevel[] = ["province", "city", "county"];

export const CONGRESS_LEVEL_LABELS: Record<CongressLevel, string> = {
  province: "省级（省、自治区、直辖市）",
  city: "设区的市级（市、自治州）",
  county: "县级（县、不设区的市、市辖区）",
};

export interface CongressSetting {
  /** e.g. 洛阳市人大常委会; '' until the admin sets it */
  name: string;
  level: CongressLevel;
  /** bumped by every save (two admins never silently overwrite each other) */
  version: number;
}

export const EMPTY_CONGRESS: CongressSetting = { name: "", level: "city", version: 0 };

const LEVEL_PREFIX: Record<CongressLevel, string> = { province: "省", city: "市", county: "县" };

export interface CongressTerms {
  /** the congress's name, or '' when not set */
  name: string;
  /** the name, or a neutral example for hints (××市人大常委会) */
  nameOrExample: string;
  /** the one-character prefix titles use: 省, 市, 县, 区 … */
  prefix: string;
  memberTitle: string;
  deputyTitle: string;
  chairTitle: string;
  viceChairTitle: string;
  /** 市人大常委会委员, 市人大代表, 市人大常委会副主任, 市人大常委会主任 */
  questionerRoles: string[];
  sessionExample: string;
}

/**
 * The short prefix of a congress's titles: the administrative unit before 人大常委会 in its name (洛阳市 → 市,
 * 西城区 → 区, 内蒙古自治区 → 自治区 reads as 区), else the level's usual one.
 */
export function congressPrefix(setting: Pick<CongressSetting, "name" | "level">): string {
  const m = /(省|市|州|盟|县|区|旗)(?:人民代表大会常务委员会|人大常委会|人大)$/.exec(setting.name.trim());
  return m ? m[1] : LEVEL_PREFIX[setting.level] ?? "市";
}

export function congressTerms(setting: Pick<CongressSetting, "name" | "level">): CongressTerms {
  const prefix = congressPrefix(setting);
  const name = setting.name.trim();
  const memberTitle = `${prefix}人大常委会委员`;
  const deputyTitle = `${prefix}人大代表`;
  const chairTitle = `${prefix}人大常委会主任`;
  const viceChairTitle = `${prefix}人大常委会副主任`;
  return {
    name,
    nameOrExample: name || `××${prefix}人大常委会`,
    prefix,
    memberTitle,
    deputyTitle,
    chairTitle,
    viceChairTitle,
    questionerRoles: [memberTitle, deputyTitle, viceChairTitle, chairTitle],
    sessionExample: `${prefix}××届人大常委会第××次会议`,
  };
}
