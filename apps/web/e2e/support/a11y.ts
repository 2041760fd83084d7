import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type axe from 'axe-core';

/*
 * An accessibility audit of what a page shows now, by axe-core running inside the page
 * (WCAG 2.0, 2.1 and 2.2, levels A and AA). A suite calls `expectAccessible(page, 'what')`
 * once the screen or dialog it wants audited is open; it fails with one line per serious or
 * critical violation (rule, impact, element, what to fix), in the light theme and the dark
 * one. Minor and moderate findings are not failures.
 *
 * axe's source is evaluated through the DevTools protocol (`page.evaluate`): it runs in the
 * page's own world with no <script> element, so the page is audited under its CSP exactly as
 * served (lib/csp.ts; no `bypassCSP`), and nothing is added to the DOM the audit looks at. A
 * script tag would pass today only because 'strict-dynamic' trusts scripts that running code
 * inserts (`page.addScriptTag` does that); evaluating does not depend on that detail.
 */

declare global {
  interface Window {
    axe?: typeof axe;
  }
}

/** The rule sets run: WCAG 2.x at levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export type ColorScheme = 'light' | 'dark';

export interface AuditOptions {
  /** Audit only this part of the page (a CSS selector); the whole document by default. */
  include?: string;
  /** Parts left out (CSS selectors), e.g. a third party's widget audited elsewhere. */
  exclude?: string[];
  /** The themes to audit in, one after the other; both by default. */
  colorSchemes?: readonly ColorScheme[];
}

let axeSource: string | undefined;

/** Evaluates axe's source in the page unless it is there already (a navigation drops it). */
async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => typeof window.axe === 'object')) return;
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    throw new Error('a11y: axe-core did not load in the page');
  }
}

/** The serious and critical violations on the page in its current theme, one line each. */
export async function seriousViolations(page: Page, options: AuditOptions = {}): Promise<string[]> {
  await injectAxe(page);
  return page.evaluate(
    async ({ tags, include, exclude }) => {
      const context: axe.ElementContext =
        include || exclude
          ? { include: include ? [include] : [':root'], exclude: (exclude ?? []).map((s) => [s]) }
          : document;
      const results = await window.axe!.run(context, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return results.violations
        .filter((rule) => rule.impact === 'serious' || rule.impact === 'critical')
        .flatMap((rule) =>
          rule.nodes.map((node) => {
            const fix = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim();
            return `${rule.id} (${rule.impact}) at ${node.target.join(' ')}: ${rule.help}. ${fix}`;
          }),
        );
    },
    { tags: WCAG_TAGS, include: options.include, exclude: options.exclude },
  );
}

/**
 * Audits the page as it is, in each theme (`prefers-color-scheme`, which the app follows),
 * and fails listing every serious or critical violation of each. Leaves the page in the
 * light theme.
 */
export async function expectAccessible(
  page: Page,
  screen: string,
  options: AuditOptions = {},
): Promise<void> {
  const found: Record<string, string[]> = {};
  for (const colorScheme of options.colorSchemes ?? (['light', 'dark'] as const)) {
    await page.emulateMedia({ colorScheme });
    found[`${screen}, ${colorScheme}`] = await seriousViolations(page, options);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  const none = Object.fromEntries(Object.keys(found).map((key) => [key, []]));
  expect(found).toEqual(none);
}
