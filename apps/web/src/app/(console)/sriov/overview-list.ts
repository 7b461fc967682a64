/** The overview's URL params, read alike by the page (server) and SriovOverviewPage (browser). */
export const overviewList = { filters: ["zone"] as const };
