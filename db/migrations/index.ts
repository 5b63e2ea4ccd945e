import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_plan_research_surveys";
import * as m0003 from "./0003_outline";
import * as m0004 from "./0004_meeting";
import * as m0005 from "./0005_rectification";
import * as m0006 from "./0006_search";
import * as m0007 from "./0007_notifications";
import * as m0008 from "./0008_performance";
import * as m0009 from "./0009_voting";
import * as m0010 from "./0010_search_normalized";
import * as m0011 from "./0011_one_meeting_date";
import * as m0012 from "./0012_handling_review";
import * as m0013 from "./0013_sign_in_devices";
import * as m0014 from "./0014_staff_queue";
import * as m0015 from "./0015_history";
import * as m0020 from "./0020_roster";
import * as m0025 from "./0025_documents";
import * as m0030 from "./0030_insight";
import * as m0035 from "./0035_action_plans";
import * as m0036 from "./0036_accountability_steps";
import * as m0037 from "./0037_follow_up_rounds";
import * as m0040 from "./0040_stamps_and_initial_passwords";
import * as m0045 from "./0045_organization_hierarchy";
import * as m0050 from "./0050_item_counters";
import * as m0051 from "./0051_organization_meetings";

/**
 * Migrations are listed here rather than read from the folder at run time, so they are bundled into the
 * server build and the same list serves `npm run db:migrate`, the server start and the tests.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_plan_research_surveys": m0002,
  "0003_outline": m0003,
  "0004_meeting": m0004,
  "0005_rectification": m0005,
  "0006_search": m0006,
  "0007_notifications": m0007,
  "0008_performance": m0008,
  "0009_voting": m0009,
  "0010_search_normalized": m0010,
  "0011_one_meeting_date": m0011,
  "0012_handling_review": m0012,
  "0013_sign_in_devices": m0013,
  "0014_staff_queue": m0014,
  "0015_history": m0015,
  "0020_roster": m0020,
  "0025_documents": m0025,
  "0030_insight": m0030,
  "0035_action_plans": m0035,
  "0036_accountability_steps": m0036,
  "0037_follow_up_rounds": m0037,
  "0040_stamps_and_initial_passwords": m0040,
  "0045_organization_hierarchy": m0045,
  "0050_item_counters": m0050,
  "0051_organization_meetings": m0051,
};
