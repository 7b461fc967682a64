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
    .input(listUsersInput)
    .output(usersRouterOutputs.list)
    .query(({ ctx, input }) => listUsers(ctx.db, ctx.actor, input)),
  /** Admin. The password is hashed (argon2); it is never returned. */
  create: adminProcedure
    .input(createUserInput)
    .output(usersRouterOutputs.create)
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  /** Admin. Not yourself. */
  delete: adminProcedure
    .input(userIdInput)
    .output(usersRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteUser(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. Not yourself. */
  setRole: adminProcedure
    .input(setUserRoleInput)
    .output(usersRouterOutputs.setRole)
    .mutation(({ ctx, input }) => setUserRole(ctx.db, ctx.actor, input)),
  /** Admin. Disabling ends the user's sessions and suspends their API keys. */
  setDisabled: adminProcedure
    .input(setUserDisabledInput)
    .output(usersRouterOutputs.setDisabled)
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, ctx.actor, input)),
});

export const projectsRouter = router({
  /** Any signed-in user: admins and auditors see every project, tenants their own. */
  list: authedProcedure
    .input(listProjectsInput)
    .output(projectsRouterOutputs.list)
    .query(({ ctx, input }) => listProjects(ctx.db, ctx.actor, input)),
  /** Any signed-in user; same visibility as list. */
  get: authedProcedure
    .input(iamProjectIdInput)
    .output(projectsRouterOutputs.get)
    .query(({ ctx, input }) => getProject(ctx.db, ctx.actor, input)),
  /** Admin. */
  create: adminProcedure
    .input(createProjectInput)
    .output(projectsRouterOutputs.create)
    .mutation(({ ctx, input }) => createProject(ctx.db, ctx.actor, input)),
  /** Admin. Refused while the project has VMs, security groups or EIPs. */
  delete: adminProcedure
    .input(iamProjectIdInput)
    .output(projectsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteProject(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  addMember: adminProcedure
    .input(projectMemberInput)
    .output(projectsRouterOutputs.addMember)
    .mutation(({ ctx, input }) => addProjectMember(ctx.db, ctx.actor, input)),
  /** Admin. */
  removeMember: adminProcedure
    .input(projectMemberInput)
    .output(projectsRouterOutputs.removeMember)
    .mutation(({ ctx, input }) => removeProjectMember(ctx.db, ctx.actor, input)),
});

export const iamRouter = router({ users: usersRouter, projects: projectsRouter });
