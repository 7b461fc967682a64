import {
  addSecurityGroupMember,
  addSecurityGroupRule,
  addSecurityGroupRuleInput,
  attachEip,
  attachEipInput,
  createEip,
  createEipInput,
  createSecurityGroup,
  createSecurityGroupInput,
  deleteEip,
  deleteSecurityGroup,
  detachEip,
  eipIdInput,
  listEips,
  listSecurityGroups,
  nicIdInput,
  projectIdInput,
  removeNicQos,
  removeSecurityGroupMember,
  removeSecurityGroupRule,
  ruleIdInput,
  securityGroupIdInput,
  securityGroupMemberInput,
  setNicQos,
  setNicQosInput,
} from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import {
  eipsRouterOutputs,
  qosRouterOutputs,
  securityGroupsRouterOutputs,
} from "./outputs.generated";

const ok = { ok: true as const };

// Network services hang off a VM's NICs. All procedures are for signed-in users; core scopes
// them to the project (tenants: members only; auditors read only) and enforces R4–R6.

export const qosRouter = router({
  /** Project members and admins. R4: refused on a VF NIC. */
  set: authedProcedure
    .meta({
      rest: {
        route: "PUT /nics/:nicId/qos",
        tag: "Network services",
        summary: "Set a vNIC's bandwidth limits",
      },
    })
    .input(setNicQosInput)
    .output(qosRouterOutputs.set)
    .mutation(({ ctx, input }) => setNicQos(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  remove: authedProcedure
    .meta({
      rest: {
        route: "DELETE /nics/:nicId/qos",
        tag: "Network services",
        summary: "Remove a vNIC's bandwidth limits",
      },
    })
    .input(nicIdInput)
    .output(qosRouterOutputs.remove)
    .mutation(async ({ ctx, input }) => {
      await removeNicQos(ctx.db, ctx.actor, input);
      return ok;
    }),
});

export const securityGroupsRouter = router({
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: authedProcedure
    .meta({
      rest: {
        route: "GET /projects/:projectId/security-groups",
        tag: "Network services",
        summary: "List a project's security groups",
      },
    })
    .input(projectIdInput)
    .output(securityGroupsRouterOutputs.list)
    .query(({ ctx, input }) => listSecurityGroups(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  create: authedProcedure
    .meta({
      rest: {
        route: "POST /security-groups",
        tag: "Network services",
        summary: "Create a security group",
      },
    })
    .input(createSecurityGroupInput)
    .output(securityGroupsRouterOutputs.create)
    .mutation(({ ctx, input }) => createSecurityGroup(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta({
      rest: {
        route: "DELETE /security-groups/:securityGroupId",
        tag: "Network services",
        summary: "Delete a security group",
      },
    })
    .input(securityGroupIdInput)
    .output(securityGroupsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteSecurityGroup(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. */
  addRule: authedProcedure
    .meta({
      rest: {
        route: "POST /security-groups/:securityGroupId/rules",
        tag: "Network services",
        summary: "Add a rule",
      },
    })
    .input(addSecurityGroupRuleInput)
    .output(securityGroupsRouterOutputs.addRule)
    .mutation(({ ctx, input }) => addSecurityGroupRule(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  removeRule: authedProcedure
    .meta({
      rest: {
        route: "DELETE /security-group-rules/:ruleId",
        tag: "Network services",
        summary: "Remove a rule",
      },
    })
    .input(ruleIdInput)
    .output(securityGroupsRouterOutputs.removeRule)
    .mutation(async ({ ctx, input }) => {
      await removeSecurityGroupRule(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. R5: a VF NIC cannot join. */
  addMember: authedProcedure
    .meta({
      rest: {
        route: "PUT /security-groups/:securityGroupId/members/:nicId",
        tag: "Network services",
        summary: "Put a vNIC in a security group",
      },
    })
    .input(securityGroupMemberInput)
    .output(securityGroupsRouterOutputs.addMember)
    .mutation(async ({ ctx, input }) => {
      await addSecurityGroupMember(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. */
  removeMember: authedProcedure
    .meta({
      rest: {
        route: "DELETE /security-groups/:securityGroupId/members/:nicId",
        tag: "Network services",
        summary: "Take a vNIC out of a security group",
      },
    })
    .input(securityGroupMemberInput)
    .output(securityGroupsRouterOutputs.removeMember)
    .mutation(async ({ ctx, input }) => {
      await removeSecurityGroupMember(ctx.db, ctx.actor, input);
      return ok;
    }),
});

export const eipsRouter = router({
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: authedProcedure
    .meta({
      rest: {
        route: "GET /projects/:projectId/eips",
        tag: "Network services",
        summary: "List a project's EIPs",
      },
    })
    .input(projectIdInput)
    .output(eipsRouterOutputs.list)
    .query(({ ctx, input }) => listEips(ctx.db, ctx.actor, input)),
  /** Project members and admins. Allocates an address from the VIP L3. */
  create: authedProcedure
    .meta({ rest: { route: "POST /eips", tag: "Network services", summary: "Allocate an EIP" } })
    .input(createEipInput)
    .output(eipsRouterOutputs.create)
    .mutation(({ ctx, input }) => createEip(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta({
      rest: { route: "DELETE /eips/:eipId", tag: "Network services", summary: "Release an EIP" },
    })
    .input(eipIdInput)
    .output(eipsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteEip(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. R6: refused on a VF NIC of a Public/Flat L3. */
  attach: authedProcedure
    .meta({
      rest: {
        route: "POST /eips/:eipId/attach",
        tag: "Network services",
        summary: "Attach an EIP to a NIC",
      },
    })
    .input(attachEipInput)
    .output(eipsRouterOutputs.attach)
    .mutation(({ ctx, input }) => attachEip(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  detach: authedProcedure
    .meta({
      rest: {
        route: "POST /eips/:eipId/detach",
        tag: "Network services",
        summary: "Detach an EIP",
      },
    })
    .input(eipIdInput)
    .output(eipsRouterOutputs.detach)
    .mutation(({ ctx, input }) => detachEip(ctx.db, ctx.actor, input)),
});

export const netservicesRouter = router({
  qos: qosRouter,
  securityGroups: securityGroupsRouter,
  eips: eipsRouter,
});
