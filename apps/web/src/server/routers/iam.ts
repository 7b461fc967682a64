import * as core from "@virtfn/core";
import { adminProcedure, authedProcedure, inventoryProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve, serveOk } from "./serve";
import { projectsRouterOutputs, usersRouterOutputs } from "./outputs.generated";

export const usersRouter = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta(rest("Users and projects", "GET /users", "List users"))
    .input(core.listUsersInput)
    .output(usersRouterOutputs.list)
    .query(serve(core.listUsers)),
  /** Admin. The password is hashed (argon2); it is never returned. */
  create: adminProcedure
    .meta(rest("Users and projects", "POST /users", "Create a user"))
    .input(core.createUserInput)
    .output(usersRouterOutputs.create)
    .mutation(serve(core.createUser)),
  /** Admin. Not yourself. */
  delete: adminProcedure
    .meta(rest("Users and projects", "DELETE /users/:userId", "Delete a user"))
    .input(core.userIdInput)
    .output(usersRouterOutputs.delete)
    .mutation(serveOk(core.deleteUser)),
  /** Admin. Not yourself. */
  setRole: adminProcedure
    .meta(rest("Users and projects", "PUT /users/:userId/role", "Set a user's role"))
    .input(core.setUserRoleInput)
    .output(usersRouterOutputs.setRole)
    .mutation(serve(core.setUserRole)),
  /** Admin. Disabling ends the user's sessions and suspends their API keys. */
  setDisabled: adminProcedure
    .meta(rest("Users and projects", "PUT /users/:userId/disabled", "Disable or enable a user"))
    .input(core.setUserDisabledInput)
    .output(usersRouterOutputs.setDisabled)
    .mutation(serve(core.setUserDisabled)),
});

export const projectsRouter = router({
  /** Any signed-in user: admins and auditors see every project, tenants their own. */
  list: authedProcedure
    .meta(rest("Users and projects", "GET /projects", "List projects"))
    .input(core.listProjectsInput)
    .output(projectsRouterOutputs.list)
    .query(serve(core.listProjects)),
  /** Any signed-in user; same visibility as list. */
  get: authedProcedure
    .meta(rest("Users and projects", "GET /projects/:projectId", "Get a project with its members"))
    .input(core.iamProjectIdInput)
    .output(projectsRouterOutputs.get)
    .query(serve(core.getProject)),
  /** Admin. */
  create: adminProcedure
    .meta(rest("Users and projects", "POST /projects", "Create a project"))
    .input(core.createProjectInput)
    .output(projectsRouterOutputs.create)
    .mutation(serve(core.createProject)),
  /** Admin. Refused while the project has VMs, security groups or EIPs. */
  delete: adminProcedure
    .meta(rest("Users and projects", "DELETE /projects/:projectId", "Delete a project"))
    .input(core.iamProjectIdInput)
    .output(projectsRouterOutputs.delete)
    .mutation(serveOk(core.deleteProject)),
  /** Admin. */
  addMember: adminProcedure
    .meta(rest("Users and projects", "PUT /projects/:projectId/members/:userId", "Add a member"))
    .input(core.projectMemberInput)
    .output(projectsRouterOutputs.addMember)
    .mutation(serve(core.addProjectMember)),
  /** Admin. */
  removeMember: adminProcedure
    .meta(
      rest("Users and projects", "DELETE /projects/:projectId/members/:userId", "Remove a member"),
    )
    .input(core.projectMemberInput)
    .output(projectsRouterOutputs.removeMember)
    .mutation(serve(core.removeProjectMember)),
});

export const iamRouter = router({ users: usersRouter, projects: projectsRouter });
