import { useCongressTerms } from "~/settings/useCongressTerms";
import { z } from "zod";
import type { Role } from "../../db/schema";
import { SelectField, TextField, type FormFeedback } from "~/components/forms";
import { ROLE_LABELS, ROLES } from "~/labels";
import { idField, versionField } from "../utils/ids";

/** The fields an administrator sets on an account, shared by the create and edit forms. */
const profileShape = {
  displayName: z.string({ error: "请填写姓名" }).trim().min(1, "请填写姓名").max(40, "姓名不能超过 40 个字"),
  role: z.enum(ROLES as [Role, ...Role[]], { error: "请选择角色" }),
  organizationId: z
    .union([z.literal(""), idField()])
    .optional()
    .transform((v) => (typeof v === "number" ? v : null)),
  title: z.string().trim().max(60, "职务/身份不能超过 60 个字").optional().transform((v) => v ?? ""),
};

export const UserProfileSchema = z.object({ ...profileShape, version: versionField() });

export const UserCreateSchema = z.object({
  username: z
    .string({ error: "请填写用户名" })
    .trim()
    .min(3, "用户名至少 3 个字符")
    .max(32, "用户名不能超过 32 个字符")
    .regex(/^[A-Za-z0-9_-]+$/, "用户名只能包含字母、数字、下划线和短横线"),
  ...profileShape,
  password: z.string({ error: "请设置初始密码" }).min(1, "请设置初始密码").max(128, "密码不能超过 128 个字符"),
});


export function UserFields({
  feedback,
  organizations,
  defaults,
}: {
  feedback?: FormFeedback;
  organizations: { value: number; label: string }[];
  defaults?: { displayName: string; role: Role; organizationId: number | null; title: string };
}) {
  const terms = useCongressTerms();
  return (
    <>
      <TextField name="displayName" label="姓名" feedback={feedback} defaultValue={defaults?.displayName} required maxLength={40} />
      <SelectField
        name="role"
        label="角色"
        feedback={feedback}
        defaultValue={defaults?.role}
        required
        emptyLabel="请选择"
        options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
      />
      <SelectField
        name="organizationId"
        label="所属单位"
        feedback={feedback}
        defaultValue={defaults?.organizationId}
        emptyLabel="（无）"
        options={organizations}
        hint="应询部门账号须属于政府或政府部门，县区人大账号须属于县区人大常委会"
      />
      <TextField name="title" label="职务/身份" feedback={feedback} defaultValue={defaults?.title} maxLength={60} hint={`例如：${terms.memberTitle}、${terms.deputyTitle}、办公室联络员`} />
    </>
  );
}
