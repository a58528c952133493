/**
 * Test ids that name more than one element. An id repeated inside repeated rows is fine when
 * the rows tell the copies apart (`training-run-0 › training-run-delete`): each element is named
 * by the chain of test ids from the page down to it, and a chain that occurs twice is a clash.
 */
import type { Page } from 'playwright-core';

/** The page's DOM, for code run inside it; the Node-side typecheck has no DOM library. */
interface El {
  parentElement: El | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelectorAll(selector: string): Iterable<El> };

/** Each clashing chain with how many elements it names; empty when every element has its own. */
export async function duplicateTestIds(page: Page): Promise<{ id: string; count: number }[]> {
  return page.evaluate(() => {
    const counts = new Map<string, number>();
    for (const el of document.querySelectorAll('[data-testid]')) {
      const chain: string[] = [];
      for (let e: El | null = el; e; e = e.parentElement) {
        const id = e.getAttribute('data-testid');
        if (id) chain.unshift(id);
      }
      const key = chain.join(' › ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n > 1).map(([id, count]) => ({ id, count }));
  });
}
