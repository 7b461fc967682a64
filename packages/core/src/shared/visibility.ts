// Who sees which project's resources: decided here, once, for every query that filters by project.
// Admins and auditors see every project. Anyone else sees the projects in actor.projectIds, which
// for a project-scoped API key is that one project only (resolveApiKey narrows it), never the
// other projects its user belongs to, and never "what I requested" outside those projects.
import type { Actor } from "./actor";
import { canSeeInventory } from "./actor";
import { notFound } from "./errors";

/** True when the actor may see resources of this project. */
export function canSeeProject(actor: Actor, projectId: string | null | undefined): boolean {
  if (canSeeInventory(actor)) return true;
  return projectId !== null && projectId !== undefined && actor.projectIds.includes(projectId);
}

/** Another project's id answers like an unknown one (NOT_FOUND), whatever is asked of it. */
export function requireVisibleProject(actor: Actor, projectId: string): void {
  if (!canSeeProject(actor, projectId)) throw notFound("Project", projectId);
}

/** A where-clause fragment on a `projectId` column: {} for everything, else the visible projects. */
export function visibleProjects(actor: Actor): { projectId?: { in: string[] } } {
  return canSeeInventory(actor) ? {} : { projectId: { in: actor.projectIds } };
}

/** The same for the Project table itself (its key is `id`). */
export function visibleProjectRows(actor: Actor): { id?: { in: string[] } } {
  return canSeeInventory(actor) ? {} : { id: { in: actor.projectIds } };
}

/** A search term for Prisma's contains/startsWith: `%`, `_` and `\` match themselves. */
export function likeLiteral(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}
