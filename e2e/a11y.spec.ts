import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { login } from "./fixtures";

/**
 * Accessibility (issue 17): axe-core on the main pages of every role finds no serious or critical violation
 * (WCAG 2.0/2.1/2.2 A and AA rules plus best practice); the keyboard focus ring stands out at least 3:1; icons do
 * not depend on an emoji font.
 */

const MAIN_PAGES: Record<string, string[]> = {
  public: ["/public", "/public/inquiries/1", "/login"],
  staff: [
    "/",
    "/queue",
    "/inquiries",
    "/inquiries/1",
    "/inquiries/1/plan",
    "/inquiries/1/research",
    "/inquiries/1/surveys",
    "/inquiries/1/outline",
    "/inquiries/1/meeting",
    "/inquiries/1/meeting/votes",
    "/inquiries/1/digest",
    "/inquiries/1/rectification",
    "/inquiries/1/handling-report",
    "/rectification/4",
    "/notifications",
    "/search?q=健康扶贫",
  ],
  member: ["/", "/votes", "/inquiries/1", "/inquiries/1/rectification"],
  health: ["/", "/my", "/rectification/3", "/inquiries/1/outline"],
  county2: ["/", "/my", "/surveys/3"],
  gov: ["/", "/my"],
  admin: ["/admin/users", "/admin/organizations", "/admin/audit"],
};

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n")[1] ?? ""}`) }));
}

for (const [role, paths] of Object.entries(MAIN_PAGES)) {
  test(`axe: no serious or critical violations on the main pages of ${role}`, async ({ page }) => {
    test.setTimeout(180_000);
    if (role !== "public") await login(page, role);
    for (const path of paths) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      expect({ path, violations: await seriousViolations(page) }).toEqual({ path, violations: [] });
      // no emoji: they show as empty boxes where no emoji font is installed (UOS, 麒麟)
      const emoji = await page.evaluate(() => (document.body.innerText.match(/\p{Extended_Pictographic}/gu) ?? []).filter((c) => !"©®™↔↕".includes(c)));
      expect({ path, emoji }).toEqual({ path, emoji: [] });
    }
  });
}

/** WCAG relative luminance contrast of two rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("the keyboard focus ring stands out at least 3:1 on white cards and on the red header; the bell is a drawing", async ({ page }) => {
  await login(page, "staff");
  await page.goto("/inquiries/1/rectification");
  // a link inside the white ledger
  const link = page.getByTestId("ledger").getByRole("link").first();
  await link.focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  const ring = await link.evaluate((el) => {
    const s = getComputedStyle(el);
    let bg = "rgb(255, 255, 255)";
    for (let n: HTMLElement | null = el.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && c !== "rgba(0, 0, 0, 0)" && c !== "transparent") {
        bg = c;
        break;
      }
    }
    return { outline: s.outlineColor, outlineWidth: s.outlineWidth, shadow: s.boxShadow, focused: el.matches(":focus-visible"), bg };
  });
  expect(ring.focused).toBe(true);
  expect(parseFloat(ring.outlineWidth)).toBeGreaterThanOrEqual(2);
  // the ring is two-tone: whichever part contrasts more with the background carries it
  const shadowColour = ring.shadow.match(/rgb\([^)]*\)/)?.[0] ?? ring.outline;
  const best = Math.max(contrast(ring.outline, ring.bg), contrast(shadowColour, ring.bg));
  expect(best).toBeGreaterThanOrEqual(3);
  // and on the red header
  const navLink = page.getByRole("navigation", { name: "主导航" }).getByRole("link").first();
  await navLink.focus();
  const onRed = await navLink.evaluate((el) => ({ outline: getComputedStyle(el).outlineColor, bg: getComputedStyle(el.closest("header")!).backgroundColor }));
  expect(contrast(onRed.outline, onRed.bg)).toBeGreaterThanOrEqual(3);

  // the bell: an inline SVG and an accessible name, no emoji character
  const bell = page.getByTestId("bell");
  await expect(bell.locator("svg")).toHaveCount(1);
  await expect(bell).toHaveAccessibleName(/通知，\d+ 条未读/);
  expect(await bell.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
});
