import { Link } from "@remix-run/react";

/** Beside a publish button: how many personal-data hits still wait for review, and the way to the review page. */
export function PiiNotice({ inquiryId, scope, open, total }: { inquiryId: number; scope: string; open: number; total: number }) {
  const href = `/inquiries/${inquiryId}/privacy?scope=${encodeURIComponent(scope)}`;
  return (
    <p className={open ? "form-error" : "muted"} data-testid="pii-notice">
      {open ? `发布前须处理疑似个人信息：尚有 ${open} 处未审查。` : total ? `疑似个人信息 ${total} 处已全部审查，发布时按审查结果处理。` : "发布前个人信息检查：未发现个人信息。"}{" "}
      <Link to={href}>发布前个人信息审查</Link>
    </p>
  );
}
