import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { deadlineMonth, parseMonth, type CalendarScope } from "~/calendar/calendar.server";
import { shiftMonth } from "~/calendar/labels";
import { getDb } from "~/db.server";
import { getInquiry } from "~/inquiries/inquiries.server";
import { canSeeDeadlineCalendar, forbidden, isStaff, notFound } from "~/policy.server";
import { departmentOptions } from "~/rectification/items.server";
import { idField } from "~/utils/ids";
import { formatDate } from "~/utils/time";
import { getOrganization } from "~/admin/organizations.server";

/**
 * 期限日历: the deadlines of an inquiry (?inquiry=ID: rectification items, delegated surveys, handling reports)
 * or of a department (?department=ID: the items it leads or joins; a department's own accounts see theirs
 * without choosing) by month (?month=YYYY-MM), with each day marked as a working day, a weekend, a holiday or a
 * 调休 working day from the administrator's holiday table.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `期限日历 · ${data?.heading ?? ""} · 询问` }];

const WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"];
const KIND_LABELS = { item: "整改", survey: "调研", handling_report: "报告" } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const db = getDb();
  const month = parseMonth(url.searchParams.get("month"));
  if (!month) notFound("月份无效，应如 2026-01");
  const inquiryParam = url.searchParams.get("inquiry");
  const departmentParam = url.searchParams.get("department");
  let scope: CalendarScope;
  let heading: string;
  let query: string;
  if (inquiryParam !== null) {
    const id = idField().safeParse(inquiryParam);
    if (!canSeeDeadlineCalendar(user, { inquiryId: id.data ?? 0 })) forbidden("您不能查看该专题询问的期限日历。");
    if (!id.success) notFound("该专题询问不存在");
    const inquiry = await getInquiry(db, id.data);
    if (!inquiry) notFound("该专题询问不存在");
    scope = { inquiryId: inquiry.id };
    heading = inquiry.title;
    query = `inquiry=${inquiry.id}`;
  } else {
    const fallback = user.role === "department" ? user.organizationId : null;
    const id = departmentParam !== null ? idField().safeParse(departmentParam).data : (fallback ?? undefined);
    if (id === undefined) {
      if (!isStaff(user)) forbidden("请从专题询问或本单位的待办进入期限日历。");
      const departments = await departmentOptions(db);
      return { month, heading: "选择单位", scope: null, departments, data: null, query: "", inquiryId: null };
    }
    if (!canSeeDeadlineCalendar(user, { departmentId: id })) forbidden("您只能查看本单位的期限日历。");
    const org = await getOrganization(db, id);
    if (!org) notFound("该单位不存在");
    scope = { departmentId: org.id };
    heading = org.name;
    query = `department=${org.id}`;
  }
  const departments = isStaff(user) ? await departmentOptions(db) : [];
  return { month, heading, scope, departments, data: await deadlineMonth(db, scope, month), query, inquiryId: "inquiryId" in scope ? scope.inquiryId : null };
}

export default function CalendarPage() {
  const { month, heading, departments, data, query, inquiryId } = useLoaderData<typeof loader>();
  const [y, m] = month.split("-").map(Number);
  const link = (to: string) => `/calendar?${query}${query ? "&" : ""}month=${to}`;
  return (
    <section className="deadline-calendar">
      <div className="page-head">
        <div>
          {inquiryId ? (
            <p className="rs-crumbs">
              <Link to={`/inquiries/${inquiryId}`}>{heading}</Link> › 期限日历
            </p>
          ) : null}
          <h1>
            期限日历 · {heading}
          </h1>
        </div>
      </div>
      {departments.length ? (
        <Form method="get" className="inline-form">
          <label htmlFor="cal-department">单位</label>{" "}
          <select id="cal-department" name="department" defaultValue="">
            <option value="" disabled>
              请选择
            </option>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>{" "}
          <input type="hidden" name="month" value={month} />
          <button type="submit" className="secondary">
            查看
          </button>
        </Form>
      ) : null}
      {data ? (
        <>
          <nav className="cal-nav" aria-label="月份">
            <Link to={link(shiftMonth(month, -1))}>‹ 上月</Link>
            <h2 data-testid="calendar-month">
              {y}年{m}月
            </h2>
            <Link to={link(shiftMonth(month, 1))}>下月 ›</Link>
          </nav>
          {!data.calendarLoaded ? <p className="muted">{y} 年的节假日安排尚未载入，日历只区分周末。</p> : null}
          <table className="cal-grid" data-testid="calendar-grid">
            <thead>
              <tr>
                {WEEKDAYS.map((d) => (
                  <th key={d} scope="col">
                    星期{d}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {weeks(data.days).map((week, i) => (
                <tr key={i}>
                  {week.map((day, j) =>
                    day ? (
                      <td
                        key={day.date}
                        data-date={day.date}
                        className={`${isOff(day) ? "cal-off" : ""}`}
                      >
                        <div className="cal-day">
                          {Number(day.date.slice(8))}
                          {day.note ? <span className="cal-note"> {day.note}</span> : null}
                        </div>
                        {data.deadlines
                          .filter((d) => d.date === day.date)
                          .map((d) => (
                            <div key={`${d.kind}-${d.link}`} className={`cal-deadline${d.done ? " done" : ""}`}>
                              <Link to={d.link}>
                                【{KIND_LABELS[d.kind]}】{d.organization}
                              </Link>
                            </div>
                          ))}
                      </td>
                    ) : (
                      <td key={`e${j}`} aria-hidden="true" />
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <h2>本月期限</h2>
          {data.deadlines.length === 0 ? (
            <p className="muted">本月没有期限。</p>
          ) : (
            <ul data-testid="calendar-deadlines">
              {data.deadlines.map((d) => (
                <li key={`${d.kind}-${d.link}`}>
                  {formatDate(d.date)} <Link to={d.link}>{d.label}</Link>（{d.organization}）{d.done ? "（已办结）" : ""}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}

type Day = { date: string; weekday: number; working: boolean | null; note: string };

function isOff(day: Day): boolean {
  return day.working === null ? day.weekday === 0 || day.weekday === 6 : !day.working;
}

/** The month's days in rows of Monday to Sunday, with blanks before the first and after the last. */
function weeks(days: Day[]): (Day | null)[][] {
  const cells: (Day | null)[] = Array.from({ length: (days[0].weekday + 6) % 7 }, () => null);
  cells.push(...days);
  while (cells.length % 7) cells.push(null);
  const rows: (Day | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(cells.slice(i, i + 7));
  return rows;
}
