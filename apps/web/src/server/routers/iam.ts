import {
  addProjectMember,
  createProject,
  createProjectInput,
  createUser,
  createUserInput,
  deleteProject,
  deleteUser,
  getProject,
  iamProjectIdInput,
  listProjects,
  listProjectsInput,
  listUsers,
  listUsersInput,
  projectMemberInput,
  removeProjectMember,
  setUserDisabled,
  setUserDisabledInput,
  setUserRole,
  setUserRoleInput,
  userIdInput,
} from "@virtfn/core";
import { adminProcedure, authedProcedure, inventoryProcedure, router } from "../trpc";
import { projectsRouterOutputs, usersRouterOutputs } from "./outputs.generated";

const ok = { ok: true as const };

export const usersRouter = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta({ rest: { route: "GET /users", tag: "Users and projects", summary: "List users" } })
    .input(listUsersInput)
    .output(usersRouterOutputs.list)
    .query(({ ctx, input }) => listUsers(ctx.db, ctx.actor, input)),
  /** Admin. The password is hashed (argon2); it is never returned. */
  create: adminProcedure
    .meta({ rest: { route: "POST /users", tag: "Users and projects", summary: "Create a user" } })
    .input(createUserInput)
    .output(usersRouterOutputs.create)
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  /** Admin. Not yourself. */
  delete: adminProcedure
    .meta({
      rest: { route: "DELETE /users/:userId", tag: "Users and projects", summary: "Delete a user" },
    })
    .input(userIdInput)
    .output(usersRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteUser(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. Not yourself. */
  setRole: adminProcedure
    .meta({
      rest: {
        route: "PUT /users/:userId/role",
        tag: "Users and projects",
        summary: "Set a user's role",
      },
    })
    .input(setUserRoleInput)
    .output(usersRouterOutputs.setRole)
    .mutation(({ ctx, input }) => setUserRole(ctx.db, ctx.actor, input)),
  /** Admin. Disabling ends the user's sessions and suspends their API keys. */
  setDisabled: adminProcedure
    .meta({
      rest: {
        route: "PUT /users/:userId/disabled",
        tag: "Users and projects",
        summary: "Disable or enable a user",
      },
    })
    .input(setUserDisabledInput)
    .output(usersRouterOutputs.setDisabled)
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, ctx.actor, input)),
});

export const projectsRouter = router({
  /** Any signed-in user: admins and auditors see every project, tenants their own. */
  list: authedProcedure
    .meta({ rest: { route: "GET /projects", tag: "Users and projects", summary: "List projects" } })
    .input(listProjectsInput)
    .output(projectsRouterOutputs.list)
    .query(({ ctx, input }) => listProjects(ctx.db, ctx.actor, input)),
  /** Any signed-in user; same visibility as list. */
  get: authedProcedure
    .meta({
      rest: {
        route: "GET /projects/:projectId",
        tag: "Users and projects",
        summary: "Get a project with its members",
      },
    })
    .input(iamProjectIdInput)
    .output(projectsRouterOutputs.get)
    .query(({ ctx, input }) => getProject(ctx.db, ctx.actor, input)),
  /** Admin. */
  create: adminProcedure
    .meta({
      rest: { route: "POST /projects", tag: "Users and projects", summary: "Create a project" },
    })
    .input(createProjectInput)
    .output(projectsRouterOutputs.create)
    .mutation(({ ctx, input }) => createProject(ctx.db, ctx.actor, input)),
  /** Admin. Refused while the project has VMs, security groups or EIPs. */
  delete: adminProcedure
    .meta({
      rest: {
        route: "DELETE /projects/:projectId",
        tag: "Users and projects",
        summary: "Delete a project",
      },
    })
    .input(iamProjectIdInput)
    .output(projectsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteProject(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  addMember: adminProcedure
    .meta({
      rest: {
        route: "PUT /projects/:projectId/members/:userId",
        tag: "Users and projects",
        summary: "Add a member",
      },
    })
    .input(projectMemberInput)
    .output(projectsRouterOutputs.addMember)
    .mutation(({ ctx, input }) => addProjectMember(ctx.db, ctx.actor, input)),
  /** Admin. */
  removeMember: adminProcedure
    .meta({
      rest: {
        route: "DELETE /projects/:projectId/members/:userId",
        tag: "Users and projects",
        summary: "Remove a member",
      },
    })
    .input(projectMemberInput)
    .output(projectsRouterOutputs.removeMember)
    .mutation(({ ctx, input }) => removeProjectMember(ctx.db, ctx.actor, input)),
});

export const iamRouter = router({ users: usersRouter, projects: projectsRouter });
