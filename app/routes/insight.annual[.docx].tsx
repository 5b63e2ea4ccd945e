import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { annualDocx, annualTitle } from "~/insight/annual-docx.server";
import { annualReport, reportingCongress } from "~/insight/annual.server";
import { YearSchema } from "~/insight/forms.server";
import { canReadAnnualReport, forbidden, notFound } from "~/policy.server";
import { todayInShanghai } from "~/utils/time";

/** The annual report as a Word document (/insight/annual.docx?year=2020). Staff and administrators. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canReadAnnualReport(user)) forbidden("年度报告仅供人大工作人员查阅。");
  const year = YearSchema.safeParse(new URL(request.url).searchParams.get("year") ?? "");
  if (!year.success) notFound("年份无效");
  const db = getDb();
  const congress = await reportingCongress(db);
  const buffer = await annualDocx(congress, await annualReport(db, year.data, todayInShanghai()));
  return new Response(new Uint8Array(buffer), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "Content-Disposition": `attachment; filename="annual-${year.data}.docx"; filename*=UTF-8''${encodeURIComponent(`${annualTitle(congress, year.data)}.docx`)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
