// The clusters list is paged (a fleet has hundreds). A picker asks for the most a page holds, in a
// zone where it can, and reads the page's items; a picker past that many shows the first ones.

/** The largest page the API answers (pageInput's limit). */
export const CLUSTER_PICKER_LIMIT = 200;

/** For useQuery's `select`: a picker reads the page's items. */
export function pageItems<T>(page: { items: T[] }): T[] {
  return page.items;
}
