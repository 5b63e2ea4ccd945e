import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PrintButton } from "~/components/icons";
import { getDb } from "~/db.server";
import { SnapshotView } from "~/outline/components";
import { outlineTitle } from "~/outline/docx.server";
import { loadOutlineExport } from "~/outline/versions.server";
import { formatDate } from "~/utils/time";

/** The outline's print view: the issued (or newest approved) version, or ?version=N, laid out like the Word export. */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "询问提纲"} · 打印` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { head, version } = await loadOutlineExport(getDb(), request, params, {
    forbidden: "询问提纲仅供人大工作人员和委员打印。",
    noApprovedVersion: "询问提纲尚未经主任会议审定，暂无可打印的版本；可在“版本记录”中打印报送审定的版本。",
  });
  return {
    inquiryId: head.id,
    title: outlineTitle(head.title),
    subtitle: [head.congress, head.session_name].filter(Boolean).join(" "),
    meetingDate: head.meeting_date,
    version: { number: version.number, status: version.status, decided_on: version.decided_on },
    snapshot: version.snapshot,
  };
}

export default function OutlinePrint() {
  const d = useLoaderData<typeof loader>();
  return (
    <article className="ol-print" data-testid="outline-print">
      <p className="no-print ol-print-bar">
        <Link to={`/inquiries/${d.inquiryId}/outline`}>← 返回询问提纲</Link>
        <PrintButton />
        <a href={`/inquiries/${d.inquiryId}/outline.docx?version=${d.version.number}`}>导出 Word</a>
      </p>
      <h1 className="ol-print-title">{d.title}</h1>
      {d.subtitle ? <p className="ol-print-sub">（{d.subtitle}）</p> : null}
      <p className="ol-print-sub ol-print-date">
        {d.meetingDate ? `询问会日期：${formatDate(d.meetingDate)}　` : ""}
        {d.version.status === "approved" && d.version.decided_on ? `主任会议审定：${formatDate(d.version.decided_on)}　` : ""}
        第{d.version.number}版{d.version.status === "approved" ? "" : "（未经审定）"}
      </p>
      <SnapshotView snapshot={d.snapshot} />
    </article>
  );
}
