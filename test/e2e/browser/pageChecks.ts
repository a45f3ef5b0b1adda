import type { Page } from 'playwright-core';

/**
 * What a page must not show: horizontal overflow of a card, a section or the page itself
 * (a table too wide must scroll inside its own box), and error panels. Answers what it
 * found, so a failing test names the element.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? `[aria-label="${el.getAttribute('aria-label')}"]` : ''}.${[...el.classList].slice(0, 2).join('.')}`;
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1)
      problems.push(
        `the page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window`,
      );
    // Anything drawn past the left or right edge of its card, unless a box between them scrolls.
    const scrolls = (el: Element) =>
      ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    for (const card of document.querySelectorAll('.bui-Card, article')) {
      const box = card.getBoundingClientRect();
      if (box.width === 0) continue; // folded away or hidden
      for (const el of card.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.right <= box.right + 1 && r.left >= box.left - 1) continue;
        let parent = el.parentElement;
        let inScroller = false;
        while (parent && parent !== card) {
          if (scrolls(parent)) inScroller = true;
          parent = parent.parentElement;
        }
        if (inScroller) continue;
        problems.push(
          `${describe(el)} runs ${Math.round(Math.max(r.right - box.right, box.left - r.left))}px outside its card ${describe(card)}`,
        );
        break;
      }
    }
    for (const el of document.querySelectorAll(
      '[class*="BackstageWarningPanel"], [class*="BackstageErrorPage"]',
    ))
      problems.push(`an error panel: ${(el.textContent ?? '').slice(0, 200)}`);
    if (/Something went wrong|Error: /.test(document.body.innerText))
      problems.push(
        `an error message: ${document.body.innerText.match(/.*(Something went wrong|Error: ).*/)?.[0]}`,
      );
    return problems;
  });
}

/** Waits until nothing on the page is loading any more. */
export async function settled(page: Page) {
  await page.waitForLoadState('networkidle');
  await page
    .locator('[role="progressbar"], [data-ispending="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 30_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}
