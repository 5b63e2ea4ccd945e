import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "~/db.server";
import { listPublishedDigests } from "~/meeting/digest.server";
import { formatDate } from "~/utils/time";

/** 公开信息: the published digests, for anyone, without signing in. Nothing unpublished is listed. */
export const meta: MetaFunction = () => [{ title: "公开信息 · 专题询问 · 询问" }];

export async function loader() {
  const digests = await listPublishedDigests(getDb());
  return {
    digests: digests.map((d) => ({
      inquiry_id: d.inquiry_id,
      title: d.digest_title || `${d.inquiry_title}摘要`,
      inquiry_title: d.inquiry_title,
      congress: d.congress,
      meeting_date: d.meeting_date,
    })),
  };
}

export default function PublicIndex() {
  const { digests } = useLoaderData<typeof loader>();
  return (
    <section className="dg-page">
      <h1>公开信息</h1>
      <p className="muted">人大常委会专题询问会摘要，向社会公开。</p>
      {digests.length === 0 ? (
        <div className="card rs-empty">
          <p>暂无公开发布的询问会摘要。</p>
        </div>
      ) : (
        <ul className="dg-public-list" data-testid="public-digests">
          {digests.map((d) => (
            <li key={d.inquiry_id} className="card">
              <h2>
                <Link to={`/public/inquiries/${d.inquiry_id}`}>{d.inquiry_title}</Link>
              </h2>
              <p>{d.title}</p>
              <p className="muted rs-small">
                {d.congress}
                {d.meeting_date ? ` · 询问会 ${formatDate(d.meeting_date)}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
