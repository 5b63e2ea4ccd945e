import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { ChronicleForm } from "~/followup/ChronicleForm";
import { chronicleEntries } from "~/followup/chronicle.server";
import { readableInquiryIds } from "~/inquiries/inquiries.server";
import { canUseYearChronicle, forbidden, readableInquiries } from "~/policy.server";
import { todayInShanghai } from "~/utils/time";

/**
 * 年度大事记: the supervision events of one year across the inquiries the user may read (staff: all; a member: their
 * own), editable and exported to Word. Departments, counties and the public: 403.
 */
export const meta: MetaFunction = () => [{ title: "年度大事记 · 询问" }];

const YearSchema = z.coerce.number().int().min(1990).max(2100);

async function load(request: Request) {
  const user = await requireUser(request);
  if (!canUseYearChronicle(user)) forbidden("年度大事记仅供人大工作人员和委员查阅。");
  const y = YearSchema.safeParse(new URL(request.url).searchParams.get("year") ?? todayInShanghai().slice(0, 4));
  const year = y.success ? y.data : Number(todayInShanghai().slice(0, 4));
  const db = getDb();
  const readable = readableInquiries(user);
  const ids = await readableInquiryIds(db, readable);
  return { db, year, ids };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { db, year, ids } = await load(request);
  return { year, entries: await chronicleEntries(db, ids, year) };
}

export default function YearChronicle() {
  const { year, entries } = useLoaderData<typeof loader>();
  return (
    <section className="rs-page">
      <div className="page-head">
        <h1>{year}年监督工作大事记</h1>
        <Form method="get" className="rs-row">
          <label htmlFor="f-year" className="field-label">年份</label>
          <input id="f-year" name="year" type="number" min={1990} max={2100} defaultValue={year} style={{ width: "7em" }} />
          <button type="submit" className="secondary">查看</button>
        </Form>
      </div>
      <div className="card">
        <ChronicleForm key={year} action="/chronicle.docx" title={`${year}年专题询问监督工作大事记`} subtitle="" rows={entries} />
      </div>
    </section>
  );
}
