import { readFileSync } from "node:fs";
import { join } from "node:path";

/** seeds/004 as delivered (焦作市打好精准脱贫攻坚战三年行动计划; a copy kept beside the tests, byte for byte). */
export function seed004(): string {
  return readFileSync(join(__dirname, "fixtures/seed-004-action-plan.txt"), "utf8");
}
