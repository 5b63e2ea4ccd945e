import type { Transaction } from "kysely";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { attachmentFilePath } from "../../app/attachments/attachments.server";
import { recordAudit, SYSTEM_ACTOR } from "../../app/audit.server";
import { hashPassword, verifyPassword } from "../../app/auth/password.server";
import { addDays } from "../../app/utils/time";
import { parseRichText } from "../../app/richtext/richtext.server";
import { todayInShanghai } from "../../app/utils/time";
import type { Database, ItemStatus } from "../schema";
import { DEMO_PASSWORD, type JiaozuoFixture, type SeedReport } from "./demo";

/**
 * Demo rectification of inquiry 1 (issue 6): items drawn from the meeting's exchanges (health, housing,
 * finance, education, …) and one research finding, in every status and light, with progress reports and
 * evidence, a returned closure request, an approved and a denied extension; the government's handling report
 * (round 1, submitted and accepted); the government's liaison account `gov`.
 *
 * The inquiry is historical (2020): items closed or carried over keep 2020–2021 dates; the deadlines of the
 * items still open are set relative to today so that the deadline lights mean something — the texts say so
 * (演示数据). Rows are inserted directly (no domain functions), with a single demo.seed_rectification audit
 * entry. Idempotent: nothing is added once inquiry 1 has items.
 */
const DEMO_NOTE = "（演示数据）";

function rich(text: string) {
  const result = parseRichText(text, "plain", { label: "演示文本" });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** A Beijing-time instant on a calendar date. */
function at(date: string, hour = 10): string {
  return new Date(`${date}T${String(hour).padStart(2, "0")}:00:00+08:00`).toISOString();
}

/** A small, valid PDF standing for an evidence file. */
function demoPdf(title: string): Buffer {
  const text = `Demo evidence: ${createHash("sha256").update(title).digest("hex").slice(0, 16)}`;
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

type Step =
  | { kind: "progress" | "closure_request"; on: string; org: string; text: string; evidence?: string }
  | { kind: "returned" | "closed" | "carried_over"; on: string; comment: string }
  | { kind: "extension"; on: string; decidedOn: string; from: string; to: string; reason: string; status: "approved" | "denied"; note: string };

interface DemoItem {
  /** a distinctive piece of the fixture's question, or a research finding's text */
  source: { exchange: string } | { finding: string };
  problem: string;
  requirement: string;
  lead: string;
  co: string[];
  originalDeadline: string;
  deadline: string;
  status: ItemStatus;
  steps: Step[];
}

function demoItems(T: (days: number) => string): DemoItem[] {
  return [
    {
      source: { exchange: "在总攻阶段，市政府的总体安排是什么" },
      problem: "巩固脱贫攻坚成果、防止已脱贫群众返贫的具体措施需进一步落实，脱贫攻坚“回头看”中发现的问题需逐项整改到位。",
      requirement: "建立防止返贫动态监测和帮扶机制，对“回头看”发现的问题建立台账、逐项销号，按月报送整改进展。",
      lead: "市脱贫攻坚办",
      co: ["市卫生健康委员会", "市人力资源和社会保障局"],
      originalDeadline: T(7),
      deadline: T(7),
      status: "todo",
      steps: [],
    },
    {
      source: { exchange: "患病是致贫返贫的重要原因" },
      problem: "因病致贫返贫风险仍然存在，建档立卡贫困人口慢性病签约服务和大病专项救治需持续巩固。",
      requirement: "做实做细家庭医生签约服务，简化慢性病鉴定程序，落实大病专项救治，确保大病重病贫困群众应治尽治。",
      lead: "市卫生健康委员会",
      co: ["市脱贫攻坚办"],
      originalDeadline: "2021-03-31",
      deadline: "2021-03-31",
      status: "closed",
      steps: [
        { kind: "progress", on: "2020-11-20", org: "市卫生健康委员会", text: "已完成全市建档立卡贫困人口家庭医生签约服务全覆盖核查，对慢性病患者逐人建立健康管理档案；慢性病鉴定改为乡镇卫生院受理、县级集中鉴定，办理时限压缩至 10 个工作日。", evidence: "家庭医生签约服务核查台账.pdf" },
        { kind: "progress", on: "2021-01-15", org: "市脱贫攻坚办", text: "配合市卫生健康委员会将因病返贫风险户纳入防返贫监测对象，共比对数据 2.1 万条，推送核实 186 户。" },
        { kind: "closure_request", on: "2021-03-10", org: "市卫生健康委员会", text: "整改任务已全部完成：家庭医生签约服务实现应签尽签，大病专项救治病种扩大至 30 种，医保托底救助政策落实到位。申请销号。", evidence: "健康扶贫整改完成情况报告.pdf" },
        { kind: "closed", on: "2021-03-25", comment: "佐证材料齐全，经核实整改到位，同意销号。" },
      ],
    },
    {
      source: { exchange: "两定制兜底线”健康扶贫模式、医养中心" },
      problem: "医养中心运行机制尚不规范，失能失智重度残疾人集中托养的长效运行保障不足。",
      requirement: "出台医养中心建设规划和实施意见，完善运行经费保障和服务标准，建立跟踪指导机制。",
      lead: "市卫生健康委员会",
      co: ["市人力资源和社会保障局"],
      originalDeadline: T(12),
      deadline: T(12),
      status: "in_progress",
      steps: [
        { kind: "progress", on: T(-75), org: "市卫生健康委员会", text: "已对全市医养中心运行情况开展摸底，形成运行情况统计表，起草《关于规范医养中心运行管理的实施意见》。", evidence: "医养中心运行情况统计表.pdf" },
        { kind: "progress", on: T(-40), org: "市人力资源和社会保障局", text: "配合研究医养中心护理人员培训补贴政策，已纳入职业技能提升行动。" },
        { kind: "closure_request", on: T(-30), org: "市卫生健康委员会", text: "医养中心运行情况已摸清，实施意见已起草完成，申请销号。" },
        { kind: "returned", on: T(-25), comment: "医养中心长效运行机制尚未以正式文件出台，请补充实施意见印发文件后再申请销号。" },
        { kind: "progress", on: T(-10), org: "市卫生健康委员会", text: "《关于规范医养中心运行管理的实施意见》已提请市政府常务会议审议，预计本月印发。" },
      ],
    },
    {
      source: { exchange: "产业扶贫是脱贫的根本之策" },
      problem: "产业扶贫项目带贫益贫机制不够稳固，扶贫产品销售渠道有待拓展。",
      requirement: "完善带贫企业与贫困户的利益联结机制，扩大扶贫产品认定范围，拓展线上线下销售渠道。",
      lead: "市脱贫攻坚办",
      co: ["市金融工作局"],
      originalDeadline: T(40),
      deadline: T(40),
      status: "closure_requested",
      steps: [
        { kind: "progress", on: T(-90), org: "市脱贫攻坚办", text: "修订产业扶贫项目带贫益贫合同文本，新增认定扶贫产品 126 个，组织消费扶贫展销活动 4 场。", evidence: "扶贫产品认定清单.pdf" },
        { kind: "progress", on: T(-60), org: "市金融工作局", text: "协调金融机构为 38 家带贫企业发放贷款 1.2 亿元，带贫企业贷款贴息政策落实到位。" },
        { kind: "closure_request", on: T(-5), org: "市脱贫攻坚办", text: "带贫益贫机制已建立，消费扶贫渠道已拓展，整改任务完成，申请销号。", evidence: "产业扶贫整改完成情况报告.pdf" },
      ],
    },
    {
      source: { finding: "贫困劳动力稳岗就业受疫情影响较大" },
      problem: "受疫情影响，部分贫困劳动力稳岗就业困难，公益岗位开发和管理不够规范。",
      requirement: "完善贫困劳动力实名制台账，修订公益岗位管理办法，规范岗位开发、考核和退出。",
      lead: "市人力资源和社会保障局",
      co: [],
      originalDeadline: T(-12),
      deadline: T(-12),
      status: "in_progress",
      steps: [
        { kind: "progress", on: T(-60), org: "市人力资源和社会保障局", text: "已更新贫困劳动力实名制台账，公益岗位管理办法修订稿正在征求各县（市）区意见。" },
        { kind: "extension", on: T(-20), decidedOn: T(-16), from: T(-12), to: T(30), reason: "管理办法需征求各县（市）区和相关部门意见，时间较紧。", status: "denied", note: "延期理由不充分，请按原定时限完成公益岗位管理办法修订。" },
      ],
    },
    {
      source: { exchange: "四好农村路”长效管护机制" },
      problem: "农村公路管护长效机制尚不健全，部分乡镇管理养护站人员和经费不足。",
      requirement: "全面落实农村公路路长制，推动“县道县养、乡道乡养、村道村养”，保障乡镇管理养护站人员和经费。",
      lead: "市交通运输局",
      co: [],
      originalDeadline: "2021-06-30",
      deadline: "2021-06-30",
      status: "carried_over",
      steps: [
        { kind: "progress", on: "2021-04-20", org: "市交通运输局", text: "全市 84 个乡镇（办事处）已全部建立农村公路管理养护站，路长制覆盖县乡村三级。" },
        { kind: "carried_over", on: "2021-06-30", comment: "农村公路管护属长期性工作，已纳入“四好农村路”高质量发展和巩固脱贫成果同乡村振兴有效衔接工作持续跟踪，转入常态化监督。" },
      ],
    },
    {
      source: { exchange: "饮水安全长效机制" },
      problem: "农村饮水工程运行管护经费保障机制需进一步落实，个别村供水设施老化。",
      requirement: "落实县级农村饮水工程运行管理机构、管理办法和运行经费，对老化设施制定改造计划。",
      lead: "市水利局",
      co: [],
      originalDeadline: T(25),
      deadline: T(25),
      status: "todo",
      steps: [],
    },
    {
      source: { exchange: "小额信贷用途监管" },
      problem: "扶贫小额信贷用途监管和逾期风险化解需加强。",
      requirement: "健全贷款风险监测预警机制，对逾期贷款逐笔制定化解方案，防止新增逾期。",
      lead: "市金融工作局",
      co: ["市脱贫攻坚办"],
      originalDeadline: T(-20),
      deadline: T(45),
      status: "in_progress",
      steps: [
        { kind: "progress", on: T(-50), org: "市金融工作局", text: "已建立扶贫小额信贷逾期风险月监测制度，逾期贷款逐笔建立化解台账。", evidence: "小额信贷逾期风险化解台账.pdf" },
        { kind: "extension", on: T(-35), decidedOn: T(-30), from: T(-20), to: T(45), reason: "部分逾期贷款涉及诉讼程序，化解周期较长。", status: "approved", note: "同意延期，请按月报送逾期贷款化解进度。" },
        { kind: "progress", on: T(-8), org: "市金融工作局", text: "已化解逾期贷款 46 笔，剩余 9 笔正在依法处置。" },
      ],
    },
    {
      source: { exchange: "质量管理是危房改造的核心环节" },
      problem: "农村危房改造质量管理需持续跟踪，部分改造户存在结构安全隐患。",
      requirement: "开展农村危房改造质量“回头看”，对发现的隐患逐户整改，加强建筑工匠管理。",
      lead: "市住房和城乡建设局",
      co: ["市脱贫攻坚办"],
      originalDeadline: "2021-05-31",
      deadline: "2021-05-31",
      status: "closed",
      steps: [
        { kind: "progress", on: "2021-02-01", org: "市住房和城乡建设局", text: "完成 3890 户危房改造质量“回头看”排查，发现隐患 23 户，已全部制定整改方案。", evidence: "危房改造质量回头看排查台账.pdf" },
        { kind: "closure_request", on: "2021-05-06", org: "市住房和城乡建设局", text: "23 户隐患已全部整改完成并通过验收，申请销号。", evidence: "隐患整改验收记录.pdf" },
        { kind: "closed", on: "2021-05-20", comment: "经抽查核实，整改到位，同意销号。" },
      ],
    },
    {
      source: { exchange: "教育扶贫是阻断贫困代际传递" },
      problem: "控辍保学动态监测需加强，部分乡镇寄宿制学校建设进度滞后。",
      requirement: "健全控辍保学联控联保机制，按期建成 20 所乡镇寄宿制学校。",
      lead: "市教育局",
      co: ["市人力资源和社会保障局"],
      originalDeadline: T(60),
      deadline: T(60),
      status: "in_progress",
      steps: [
        { kind: "progress", on: T(-40), org: "市教育局", text: "控辍保学台账已与扶贫信息系统每月比对；20 所乡镇寄宿制学校中 14 所已竣工。", evidence: "寄宿制学校建设进度表.pdf" },
        { kind: "progress", on: T(-20), org: "市人力资源和社会保障局", text: "配合将 16 周岁以上未升学贫困家庭子女纳入技能培训计划。" },
      ],
    },
  ];
}

/** The demo accounts share one hash of the demo password: reuse it when it still verifies, else make one. */
async function demoPasswordHash(trx: Transaction<Database>): Promise<string> {
  const staff = await trx.selectFrom("users").select("password_hash").where("username", "=", "staff").executeTakeFirst();
  if (staff && (await verifyPassword(DEMO_PASSWORD, staff.password_hash))) return staff.password_hash;
  return hashPassword(DEMO_PASSWORD);
}

export async function seedRectification(trx: Transaction<Database>, _fixture: JiaozuoFixture, report: SeedReport, now: string): Promise<void> {
  const inquiry = await trx.selectFrom("inquiries").select(["id", "title", "stage"]).where("id", "=", 1).executeTakeFirst();
  const orgId = async (name: string) => (await trx.selectFrom("organizations").select("id").where("name", "=", name).executeTakeFirst())?.id;

  // the government's liaison (市政府联络员): submits the handling report
  const govOrg = await orgId("市政府");
  let gov = await trx.selectFrom("users").select(["id", "display_name", "username"]).where("username", "=", "gov").executeTakeFirst();
  if (!gov && govOrg) {
    gov = await trx
      .insertInto("users")
      .values({
        username: "gov",
        display_name: "市政府联络员",
        role: "department",
        organization_id: govOrg,
        title: "市政府办公室联络员",
        password_hash: await demoPasswordHash(trx),
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning(["id", "display_name", "username"])
      .executeTakeFirstOrThrow();
    report.users++;
  }

  if (!inquiry) return;
  const existing = await trx.selectFrom("rectification_items").select("id").where("inquiry_id", "=", 1).executeTakeFirst();
  if (existing) return;

  const staff = await trx.selectFrom("users").select(["id", "display_name", "username"]).where("username", "=", "staff").executeTakeFirstOrThrow();
  const staffLabel = `${staff.display_name}（${staff.username}）`;
  const deptAccounts = await trx
    .selectFrom("users")
    .select(["id", "display_name", "username", "organization_id"])
    .where("role", "=", "department")
    .execute();
  const actorFor = (organizationId: number) => {
    const u = deptAccounts.find((a) => a.organization_id === organizationId);
    return u ? { id: u.id as number | null, label: `${u.display_name}（${u.username}）` } : null;
  };

  const today = todayInShanghai();
  const T = (days: number) => addDays(today, days);
  const items = demoItems(T);
  let count = 0;
  let reports = 0;
  let evidenceFiles = 0;

  for (const [index, d] of items.entries()) {
    const lead = await orgId(d.lead);
    if (!lead) continue;
    // the source: the exchange whose question holds the text (from the meeting seed), or the finding
    let sourceType: "exchange" | "finding" | "manual" = "manual";
    let sourceId: number | null = null;
    if ("exchange" in d.source) {
      const turn = await trx
        .selectFrom("meeting_turns as t")
        .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
        .select("s.id")
        .where("s.inquiry_id", "=", 1)
        .where("t.kind", "=", "question")
        .where("t.body_text", "like", `%${d.source.exchange}%`)
        .executeTakeFirst();
      if (turn) [sourceType, sourceId] = ["exchange", turn.id];
    } else {
      const finding = await trx.selectFrom("research_findings").select("id").where("inquiry_id", "=", 1).where("text", "=", d.source.finding).executeTakeFirst();
      if (finding) [sourceType, sourceId] = ["finding", finding.id];
    }
    const created = at("2020-10-16", 9);
    const closed = d.steps.find((s) => s.kind === "closed");
    const returned = [...d.steps].reverse().find((s) => s.kind === "returned");
    const carried = d.steps.find((s) => s.kind === "carried_over");
    const item = await trx
      .insertInto("rectification_items")
      .values({
        inquiry_id: 1,
        number: index + 1,
        problem: d.problem,
        requirement: d.requirement,
        lead_department_id: lead,
        deadline: d.deadline,
        original_deadline: d.originalDeadline,
        status: d.status,
        source_type: sourceType,
        source_id: sourceId,
        carried_over_reason: carried && "comment" in carried ? carried.comment : "",
        return_comment: d.status === "in_progress" && returned && "comment" in returned ? returned.comment : "",
        closed_at: closed ? at(closed.on, 15) : null,
        closed_by: closed ? staff.id : null,
        closing_note: closed && "comment" in closed ? closed.comment : "",
        created_by: staff.id,
        created_at: created,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    count++;
    for (const name of d.co) {
      const co = await orgId(name);
      if (co) await trx.insertInto("rectification_codepartments").values({ item_id: item.id, organization_id: co }).execute();
    }
    const event = (action: string, when: string, label: string, actorId: number | null, comment = "") =>
      trx.insertInto("item_events").values({ item_id: item.id, action, comment, actor_id: actorId, actor_label: label, at: when }).execute();
    await event("created", created, staffLabel, staff.id, `整改时限 ${d.originalDeadline}${DEMO_NOTE}`);

    for (const step of d.steps) {
      if (step.kind === "progress" || step.kind === "closure_request") {
        const org = (await orgId(step.org))!;
        const who = actorFor(org) ?? { id: null, label: `${step.org}联络员` };
        const body = rich(`${step.text}${DEMO_NOTE}`);
        const row = await trx
          .insertInto("progress_reports")
          .values({
            item_id: item.id,
            inquiry_id: 1,
            organization_id: org,
            author_id: who.id,
            kind: step.kind,
            body_json: body.json,
            body_text: body.text,
            body_html: body.html,
            created_at: at(step.on, 16),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        reports++;
        if (step.evidence) {
          const bytes = demoPdf(step.evidence);
          const sha256 = createHash("sha256").update(bytes).digest("hex");
          const path = attachmentFilePath(sha256);
          if (!existsSync(path)) {
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, bytes);
          }
          await trx
            .insertInto("attachments")
            .values({
              inquiry_id: 1,
              owner_type: "progress_report",
              owner_id: row.id,
              file_name: step.evidence,
              mime_type: "application/pdf",
              size: bytes.length,
              sha256,
              uploaded_by: who.id,
              created_at: at(step.on, 16),
            })
            .execute();
          evidenceFiles++;
        }
        await event(step.kind === "progress" ? "progress" : "closure_requested", at(step.on, 16), who.label, who.id, step.evidence ? "附佐证材料 1 个" : "");
      } else if (step.kind === "extension") {
        const who = actorFor(lead) ?? { id: null, label: `${d.lead}联络员` };
        await trx
          .insertInto("deadline_extensions")
          .values({
            item_id: item.id,
            requested_by: who.id,
            old_deadline: step.from,
            requested_deadline: step.to,
            reason: `${step.reason}${DEMO_NOTE}`,
            status: step.status,
            decided_by: staff.id,
            decided_at: at(step.decidedOn, 11),
            decision_note: step.note,
            created_at: at(step.on, 11),
          })
          .execute();
        await event("extension_requested", at(step.on, 11), who.label, who.id, `申请延期至 ${step.to}：${step.reason}`);
        await event(
          step.status === "approved" ? "extension_approved" : "extension_denied",
          at(step.decidedOn, 11),
          staffLabel,
          staff.id,
          step.status === "approved" ? `整改时限 ${step.from} → ${step.to}；${step.note}` : step.note,
        );
      } else {
        await event(step.kind, at(step.on, 15), staffLabel, staff.id, "comment" in step ? step.comment : "");
      }
    }
  }

  // 研究处理情况报告, round 1: due three months after the meeting, submitted by the government, accepted
  const hasReport = await trx.selectFrom("handling_reports").select("id").where("inquiry_id", "=", 1).executeTakeFirst();
  if (!hasReport) {
    const body = rich(
      [
        "关于市人大常委会全市脱贫攻坚工作专题询问意见研究处理情况的报告",
        "市人大常委会：",
        "2020年9月22日，市人大常委会就全市脱贫攻坚工作开展专题询问。市政府高度重视，逐条梳理询问中提出的意见建议，形成问题清单，明确牵头单位、配合单位和整改时限，现将研究处理情况报告如下：",
        "一、健康扶贫方面：做实家庭医生签约服务，落实大病专项救治……",
        "二、产业扶贫和消费扶贫方面：完善带贫益贫机制，拓展扶贫产品销售渠道……",
        "三、就业扶贫方面：完善贫困劳动力实名制台账，规范公益岗位管理……",
        "四、农村危房改造、饮水安全、农村公路管护、金融扶贫、教育扶贫等方面的整改情况详见附件问题清单。",
        "对需要长期坚持的工作，市政府将纳入巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作持续推进。",
        DEMO_NOTE,
      ].join("\n"),
    );
    await trx
      .insertInto("handling_reports")
      .values({
        inquiry_id: 1,
        round: 1,
        due_date: "2020-12-22",
        body_json: body.json,
        body_text: body.text,
        body_html: body.html,
        status: "accepted",
        submitted_at: at("2020-12-18", 10),
        submitted_by: gov?.id ?? null,
        created_at: at("2020-10-16", 9),
        updated_at: at("2020-12-29", 10),
      })
      .execute();
    report.handlingReports = (report.handlingReports ?? 0) + 1;
  }

  // the inquiry is now in its rectification stage, and its rectification status is public
  await trx
    .updateTable("inquiries")
    .set({ stage: inquiry.stage === "meeting" ? "rectification" : inquiry.stage, rectification_public: 1 })
    .where("id", "=", 1)
    .execute();

  report.rectificationItems = (report.rectificationItems ?? 0) + count;
  report.progressReports = (report.progressReports ?? 0) + reports;
  await recordAudit(trx, SYSTEM_ACTOR, {
    action: "demo.seed_rectification",
    entityType: "inquiry",
    entityId: 1,
    summary: `载入演示整改台账：整改事项 ${count} 项，整改进展 ${reports} 份（佐证材料 ${evidenceFiles} 个），研究处理情况报告 1 份${gov ? "；政府联络员账号 gov" : ""}`,
    after: { items: count, progressReports: reports, evidence: evidenceFiles },
  });
}
