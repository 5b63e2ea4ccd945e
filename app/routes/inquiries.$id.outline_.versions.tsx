import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { InquiryNav } from "~/components/PageNav";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { DiffView, SnapshotView } from "~/outline/components";
import { diffSnapshots, VERSION_STATUS_LABELS } from "~/outline/labels";
import { getOutlineHead } from "~/outline/drafting.server";
import { listVersions } from "~/outline/versions.server";
import { canReadWholeOutline, forbidden, notFound } from "~/policy.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { idField } from "~/utils/ids";

/**
 * The outline's versions: every version sent to the chairpersons' council stays readable as it was frozen,
 * with the council's decision, and what changed between two versions (added, removed, changed questions).
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `询问提纲版本记录 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();
const NumberParam = idField().optional().catch(undefined);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = IdSchema.safeParse(params.id);
  if (!canReadWholeOutline(user, id.data ?? 0)) forbidden("询问提纲的版本记录仅供人大工作人员和委员查阅。");
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const head = await getOutlineHead(db, id.data);
  if (!head) notFound("该专题询问不存在");
  const versions = await listVersions(db, head.id);
  const url = new URL(request.url);
  const pick = (n: number | undefined) => (n === undefined ? undefined : versions.find((v) => v.number === n));
  const selected = pick(NumberParam.parse(url.searchParams.get("v") ?? undefined)) ?? versions[versions.length - 1];
  // compare: ?from=&to=, by default the selected version against the one before it
  const to = pick(NumberParam.parse(url.searchParams.get("to") ?? undefined)) ?? selected;
  const from = pick(NumberParam.parse(url.searchParams.get("from") ?? undefined)) ?? (to ? versions.find((v) => v.number === to.number - 1) : undefined);
  return {
    inquiry: { id: head.id, title: head.title },
    issuedVersionId: head.outline_issued_version_id,
    versions: versions.map((v) => ({
      id: v.id,
      number: v.number,
      status: v.status,
      submitted_at: v.submitted_at,
      submitted_by_name: v.submitted_by_name,
      decided_on: v.decided_on,
      decision_note: v.decision_note,
      decided_by_name: v.decided_by_name,
      issued_at: v.issued_at,
      issued_by_name: v.issued_by_name,
      questions: v.snapshot.keywords.reduce((n, k) => n + k.questions.length, 0),
      keywords: v.snapshot.keywords.length,
    })),
    selected: selected ? { number: selected.number, status: selected.status, snapshot: selected.snapshot } : null,
    compare: from && to && from.number !== to.number ? { from: from.number, to: to.number, diff: diffSnapshots(from.snapshot, to.snapshot) } : null,
  };
}

const STATUS_CLASS: Record<string, string> = { submitted: "warn", approved: "ok", rejected: "bad" };

export default function OutlineVersions() {
  const d = useLoaderData<typeof loader>();
  return (
    <section className="ol-page">
      <InquiryNav inquiry={d.inquiry} tab="outline" trail={[{ label: "版本记录" }]} />
      <div className="page-head">
        <div>
          <h1>询问提纲版本记录</h1>
        </div>
        <Link to={`/inquiries/${d.inquiry.id}/outline`}>← 返回询问提纲</Link>
      </div>
      {d.versions.length === 0 ? (
        <p className="muted">询问提纲尚未提请主任会议审定，还没有版本。</p>
      ) : (
        <table className="data" data-testid="versions">
          <thead>
            <tr>
              <th style={{ width: "5em" }}>版本</th>
              <th style={{ width: "9em" }}>审定结果</th>
              <th style={{ width: "14em" }}>提请审定</th>
              <th>主任会议意见</th>
              <th style={{ width: "13em" }}>下发</th>
              <th style={{ width: "9em" }}>查看</th>
            </tr>
          </thead>
          <tbody>
            {d.versions.map((v) => (
              <tr key={v.id} data-testid={`version-${v.number}`} className={d.selected?.number === v.number ? "ol-selected" : ""}>
                <td>第 {v.number} 版</td>
                <td>
                  <span className={`badge ${STATUS_CLASS[v.status]}`}>{VERSION_STATUS_LABELS[v.status]}</span>
                  {v.decided_on ? <div className="ol-small">{formatDate(v.decided_on)}</div> : null}
                </td>
                <td className="ol-small">
                  {formatDateTime(v.submitted_at)}
                  <div className="muted">{v.submitted_by_name ?? ""} · {v.keywords} 个关键词 {v.questions} 个问题</div>
                </td>
                <td className="ol-small">{v.decision_note || "—"}</td>
                <td className="ol-small">{v.issued_at ? `${formatDateTime(v.issued_at)}${v.id === d.issuedVersionId ? "（现行）" : ""}` : "—"}</td>
                <td className="ol-small">
                  <Link to={`?v=${v.number}`} aria-label={`查看第 ${v.number} 版`}>查看</Link>
                  {v.number > 1 ? (
                    <>
                      {" · "}
                      <Link to={`?v=${v.number}&from=${v.number - 1}&to=${v.number}#compare`} aria-label={`第 ${v.number} 版与上一版比较`}>比较</Link>
                    </>
                  ) : null}
                  <div>
                    <a href={`/inquiries/${d.inquiry.id}/outline.docx?version=${v.number}`}>Word</a>
                    {" · "}
                    <Link to={`/inquiries/${d.inquiry.id}/outline/print?version=${v.number}`}>打印</Link>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {d.versions.length > 1 ? (
        <Form method="get" className="filters ol-compare-form" aria-label="比较两个版本">
          {d.selected ? <input type="hidden" name="v" value={d.selected.number} /> : null}
          <div className="field">
            <label htmlFor="cmp-from" className="field-label">比较</label>
            <select id="cmp-from" name="from" defaultValue={d.compare?.from ?? ""}>
              {d.versions.map((v) => (
                <option key={v.number} value={v.number}>第 {v.number} 版</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="cmp-to" className="field-label">与</label>
            <select id="cmp-to" name="to" defaultValue={d.compare?.to ?? ""}>
              {d.versions.map((v) => (
                <option key={v.number} value={v.number}>第 {v.number} 版</option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">比较</button>
        </Form>
      ) : null}

      {d.compare ? (
        <div className="card" id="compare">
          <h2 className="ol-card-title">
            第 {d.compare.to} 版与第 {d.compare.from} 版相比的变化
          </h2>
          <DiffView diff={d.compare.diff} testId="version-diff" />
        </div>
      ) : null}

      {d.selected ? (
        <div className="card">
          <h2 className="ol-card-title">
            第 {d.selected.number} 版内容 <span className={`badge ${STATUS_CLASS[d.selected.status]}`}>{VERSION_STATUS_LABELS[d.selected.status]}</span>
          </h2>
          <p className="muted ol-small">版本提请审定时即已冻结，之后的修改不影响本版内容。</p>
          <SnapshotView snapshot={d.selected.snapshot} showSources testId="version-content" />
        </div>
      ) : null}
    </section>
  );
}
