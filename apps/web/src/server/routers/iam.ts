import * as core from "@virtfn/core";
import { router } from "../trpc";
import { projectsRouterOutputs, usersRouterOutputs } from "./outputs.generated";
import { admin, answersOk, inventory, serviceRouter, signedIn } from "./service-router";

export const usersRouter = serviceRouter("Users and projects", usersRouterOutputs, {
  /** Admin, Auditor. */
  list: inventory({
    route: "GET /users",
    summary: "List users",
    input: core.listUsersInput,
    service: core.listUsers,
  }),
  /** Admin. The password is hashed (argon2); it is never returned. */
  create: admin({
    route: "POST /users",
    summary: "Create a user",
    input: core.createUserInput,
    service: core.createUser,
  }),
  /** Admin. Not yourself. */
  delete: admin({
    route: "DELETE /users/:userId",
    summary: "Delete a user",
    input: core.userIdInput,
    service: answersOk(core.deleteUser),
  }),
  /** Admin. Not yourself. */
  setRole: admin({
    route: "PUT /users/:userId/role",
    summary: "Set a user's role",
    input: core.setUserRoleInput,
    service: core.setUserRole,
  }),
  /** Admin. Disabling ends the user's sessions and suspends their API keys. */
  setDisabled: admin({
    route: "PUT /users/:userId/disabled",
    summary: "Disable or enable a user",
    input: core.setUserDisabledInput,
    service: core.setUserDisabled,
  }),
});

export const projectsRouter = serviceRouter("Users and projects", projectsRouterOutputs, {
  /** Any signed-in user: admins and auditors see every project, tenants their own. */
  list: signedIn({
    route: "GET /projects",
    summary: "List projects",
    input: core.listProjectsInput,
    service: core.listProjects,
  }),
  /** Any signed-in user; same visibility as list. */
  get: signedIn({
    route: "GET /projects/:projectId",
    summary: "Get a project with its members",
    input: core.iamProjectIdInput,
    service: core.getProject,
  }),
  /** Admin. */
  create: admin({
    route: "POST /projects",
    summary: "Create a project",
    input: core.createProjectInput,
    service: core.createProject,
  }),
  /** Admin. Refused while the project has VMs, security groups or EIPs. */
  delete: admin({
    route: "DELETE /projects/:projectId",
    summary: "Delete a project",
    input: core.iamProjectIdInput,
    service: answersOk(core.deleteProject),
  }),
  /** Admin. */
  addMember: admin({
    route: "PUT /projects/:projectId/members/:userId",
    summary: "Add a member",
    input: core.projectMemberInput,
    service: core.addProjectMember,
  }),
  /** Admin. */
  removeMember: admin({
    route: "DELETE /projects/:projectId/members/:userId",
    summary: "Remove a member",
    input: core.projectMemberInput,
    service: core.removeProjectMember,
  }),
});

export const iamRouter = router({ users: usersRouter, projects: projectsRouter });
