// The project a project-scoped page (EIPs, security groups) shows, kept in the URL as ?project=.
// No "use client" and nothing of the server: the page (readProjectScope) and its picker share it.
import type { ShownError } from "~/lib/errors";

export const PROJECT_PARAM = "project";

export interface ProjectOption {
  id: string;
  name: string;
}

export interface ProjectScope {
  projects: ProjectOption[];
  /** The shown project's id; "" when there is none. */
  projectId: string;
  /** Why the projects could not be read. */
  error: ShownError | null;
}
