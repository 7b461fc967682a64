/** The projects list's URL params, read alike by the page (server) and ProjectsPage (browser). */
export const projectsList = { sorts: ["name", "createdAt"] as const };
