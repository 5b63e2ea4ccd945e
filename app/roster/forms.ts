import { z } from "zod";
import { cleanString } from "../utils/text";
import { idField, optionalIdField, versionField } from "../utils/ids";
import { ROSTER_LIMITS } from "./limits";

/** The roster's forms (add, edit), with Chinese messages next to each field. */
const shape = {
  name: cleanString("请填写姓名").trim().min(1, "请填写姓名").max(ROSTER_LIMITS.name, `姓名不能超过 ${ROSTER_LIMITS.name} 个字`),
  title: cleanString().trim().max(ROSTER_LIMITS.title, `职务不能超过 ${ROSTER_LIMITS.title} 个字`).optional().transform((v) => v ?? ""),
  // "1" votes, "0" attends; "" (add only): by the title
  voting: z.enum(["1", "0", ""], { error: "请选择是否有表决权" }).optional().transform((v) => v ?? ""),
  userId: optionalIdField("所选账号无效，请刷新页面后重新选择"),
};

export const RosterAddSchema = z.object(shape);
export const RosterEditSchema = z.object({
  ...shape,
  id: idField(),
  version: versionField(),
  active: z.enum(["1", "0"], { error: "请选择状态" }),
});
