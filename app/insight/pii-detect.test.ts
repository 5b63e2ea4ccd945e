import { describe, expect, it } from "vitest";
import { findPersonalData, isValidIdNumber, luhnValid, maskHit, redactText } from "./pii-detect";

// Synthetic numbers only: built here from made-up digits, with their check characters computed by the rules.
function withIdCheck(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + "10X98765432"[sum % 11];
}
function withLuhn(prefix: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(prefix + d)) return prefix + d;
  throw new Error("unreachable");
}
const VALID_ID = withIdCheck("41080219800101123");
const BAD_ID = VALID_ID.slice(0, 17) + (VALID_ID[17] === "1" ? "2" : "1");
const VALID_CARD = withLuhn("622202000000123456");
const BAD_CARD = VALID_CARD.slice(0, 18) + String((Number(VALID_CARD[18]) + 1) % 10);

describe("personal-data check (GB 11643, Luhn, phone numbers, names after household markers)", () => {
  it("checks the ID number's check character and birth date", () => {
    expect(isValidIdNumber(VALID_ID)).toBe(true);
    expect(isValidIdNumber(BAD_ID)).toBe(false);
    expect(isValidIdNumber(withIdCheck("41080219801301123"))).toBe(false); // month 13
    expect(isValidIdNumber("11010519491231002X")).toBe(true); // the standard's own example
  });

  it("finds valid ID, phone and card numbers in running text", () => {
    const text = `贫困户张小明，身份证号${VALID_ID}，联系电话13800138000，固话0391-8123456，银行卡号${VALID_CARD}已核实。`;
    const hits = findPersonalData(text);
    expect(hits.map((h) => [h.kind, h.match])).toEqual([
      ["name", "张小明"],
      ["id_number", VALID_ID],
      ["mobile", "13800138000"],
      ["landline", "0391-8123456"],
      ["bank_card", VALID_CARD],
    ]);
    for (const h of hits) expect(text.slice(h.start, h.end)).toBe(h.match);
  });

  it("ignores invalid numbers: a wrong check character, a failed Luhn check, too short or inside a longer run", () => {
    const text = `身份证号${BAD_ID}，卡号${BAD_CARD}，编号1380013800012，电话1380013800，文号2020-0922。`;
    expect(findPersonalData(text)).toEqual([]);
  });

  it("reads grouped and full-width digits, and a +86 prefix", () => {
    const grouped = `${VALID_CARD.slice(0, 4)} ${VALID_CARD.slice(4, 8)} ${VALID_CARD.slice(8, 12)} ${VALID_CARD.slice(12, 16)} ${VALID_CARD.slice(16)}`;
    expect(findPersonalData(`卡号：${grouped}。`).map((h) => h.kind)).toEqual(["bank_card"]);
    expect(findPersonalData("手机：１３８００１３８０００").map((h) => h.kind)).toEqual(["mobile"]);
    expect(findPersonalData("电话 +86 138-0013-8000 ").map((h) => h.kind)).toEqual(["mobile"]);
    expect(findPersonalData("（0391）8123456").map((h) => h.kind)).toEqual(["landline"]);
  });

  it("finds names after household markers, not ordinary words", () => {
    expect(findPersonalData("户主：王刚反映住房漏雨").map((h) => h.match)).toEqual(["王刚"]);
    expect(findPersonalData("患者欧阳春花住院").map((h) => h.match)).toEqual(["欧阳春花"]);
    expect(findPersonalData("贫困户脱贫后，患者就医负担减轻，户主家庭收入提高")).toEqual([]);
  });

  it("masks a hit as 某 or ＊ and keeps what was marked not personal", () => {
    expect(maskHit({ kind: "name", match: "张小明" })).toBe("张某");
    expect(maskHit({ kind: "mobile", match: "138-0013-8000" })).toBe("＊＊＊-＊＊＊＊-＊＊＊＊");
    const text = "户主李四，电话13800138000";
    expect(redactText(text, () => false)).toBe("户主李某，电话＊＊＊＊＊＊＊＊＊＊＊");
    expect(redactText(text, (h) => h.kind === "mobile")).toBe("户主李某，电话13800138000");
  });
});
