import type { ItemStatus } from "../../db/schema";

/** The order of item statuses in the dashboard's chart and table (shared with the browser). */
export const ITEM_STATUS_ORDER: ItemStatus[] = ["todo", "in_progress", "closure_requested", "closed", "carried_over"];
