import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../db/seed/demo";

/**
 * An empty installation names no other congress (issue 13): the demo's city, counties, people and reporter
 * (db/seed/jiaozuo-2020-poverty-inquiry.json) appear in no product code — no placeholder, hint, default or
 * message — only in the demo seed and the tests. Comments may cite them as examples of the published shape.
 */
const APP = join(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "test" ? [] : sourceFiles(path);
    if (!/\.(ts|tsx)$/.test(name)) return [];
    if (/\.test\.tsx?$|test-helpers\.ts$/.test(name)) return [];
    return [path];
  });
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

function demoNames(): string[] {
  const f = loadFixture();
  const names = new Set<string>();
  const city = /^(.+?)市/.exec(f.congress)?.[1];
  if (city) names.add(city);
  for (const c of f.countyCongresses.names) names.add(c.replace(/人大常委会$/, ""));
  for (const t of f.topics) {
    for (const e of t.exchanges) {
      names.add(e.questioner.name);
      names.add(e.responder.name);
    }
  }
  for (const o of f.respondingOrganizations) names.add(o.responder.name);
  const reporter = /记者\s*(\S+)/.exec(f.reporter)?.[1];
  if (reporter) names.add(reporter);
  // and the cities the code's own examples once named (the settings hint said 洛阳市人大常委会)
  for (const other of ["洛阳", "郑州", "开封", "新乡", "焦作", "安阳"]) names.add(other);
  return [...names].filter((n) => n.length >= 2);
}

describe("no other city's name in the product", () => {
  it("the demo's place and person names appear in no source file outside the seed and the tests", () => {
    const names = demoNames();
    expect(names.length).toBeGreaterThan(10);
    const hits: string[] = [];
    for (const file of sourceFiles(APP)) {
      const code = withoutComments(readFileSync(file, "utf8"));
      for (const name of names) if (code.includes(name)) hits.push(`${relative(APP, file)}: ${name}`);
    }
    expect(hits).toEqual([]);
  });
});
