import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "~/db.server";
import { DigestView } from "~/meeting/components/DigestView";
import { getPublishedDigest } from "~/meeting/digest.server";
import { parseId } from "~/meeting/forms.server";
import { notFound } from "~/policy.server";

/**
 * A published digest, for anyone without signing in; with a print view and the Word document. An inquiry whose
 * digest is not (or no longer) published is not found here.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.digest.title ?? "询问会摘要"} · 公开信息 · 询问` }];

export async function loader({ params }: LoaderFunctionArgs) {
  const inquiryId = parseId(params.id, "该询问会摘要不存在或尚未公开");
  const digest = await getPublishedDigest(getDb(), inquiryId);
  if (!digest) notFound("该询问会摘要不存在或尚未公开");
  return { inquiryId, digest };
}

export default function PublicDigest() {
  const { inquiryId, digest } = useLoaderData<typeof loader>();
  return (
    <section className="dg-page">
      <div className="page-head no-print">
        <p className="rs-crumbs">
          <Link to="/public">公开信息</Link> › {digest.inquiryTitle}
        </p>
        <div className="mt-head-links">
          <button type="button" className="secondary" onClick={() => window.print()}>打印</button>
          <a href={`/inquiries/${inquiryId}/digest.docx`} className="button secondary" download>下载 Word 文档</a>
        </div>
      </div>
      <div className="card dg-paper">
        <DigestView digest={digest} />
      </div>
    </section>
  );
}
