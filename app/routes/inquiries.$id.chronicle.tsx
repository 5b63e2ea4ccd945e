import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ChronicleForm } from "~/followup/ChronicleForm";
import { chronicleEntries } from "~/followup/chronicle.server";
import { roundChain } from "~/followup/rounds.server";
import { canReadInquiry } from "~/policy.server";
import { loadInquiryFor } from "~/utils/route.server";

/**
 * 大事记 of one inquiry and its rounds: built from the recorded history, edited here, exported to Word in the shape
 * of a published chronicle (the export posts to /inquiries/:id/chronicle.docx). Staff and the inquiry's members (403 otherwise).
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `大事记 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canReadInquiry, "该专题询问不在您参与的范围内，您无权查看其大事记。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await load(request, params);
  const rounds = await roundChain(db, inquiry.id);
  const entries = await chronicleEntries(db, rounds.map((r) => r.id));
  return { inquiry: { id: inquiry.id, title: rounds[0].title }, rounds: rounds.length, entries };
}

export default function InquiryChronicle() {
  const { inquiry, rounds, entries } = useLoaderData<typeof loader>();
  return (
    <section className="rs-page">
      <div className="page-head">
        <div>
          <p className="rs-crumbs">
            <Link to={`/inquiries/${inquiry.id}`}>{inquiry.title}</Link> › 大事记
          </p>
          <h1>大事记</h1>
        </div>
      </div>
      <p className="rs-small muted">
        由系统记录的工作（工作方案审批、调研、委托调研、提纲下发、询问会、测评、研究处理情况报告、催办、问责措施、销号{rounds > 1 ? `及全部 ${rounds} 轮跟踪监督` : ""}）自动生成，可修改、删减或补充后导出 Word。
      </p>
      <div className="card">
        <ChronicleForm action={`/inquiries/${inquiry.id}/chronicle.docx`} title={`${inquiry.title}大事记`} subtitle="" rows={entries} />
      </div>
    </section>
  );
}
