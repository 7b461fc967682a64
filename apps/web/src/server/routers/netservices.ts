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
import { authedProcedure, router, answerOk } from "../trpc";
import { restRoutes } from "../rest/route";
import {
  eipsRouterOutputs,
  qosRouterOutputs,
  securityGroupsRouterOutputs,
} from "./outputs.generated";

const rest = restRoutes("Network services");

// Network services hang off a VM's NICs. All procedures are for signed-in users; core scopes
// them to the project (tenants: members only; auditors read only) and enforces R4–R6.

export const qosRouter = router({
  /** Project members and admins. R4: refused on a VF NIC. */
  set: authedProcedure
    .meta(rest("PUT /nics/:nicId/qos", "Set a vNIC's bandwidth limits"))
    .input(setNicQosInput)
    .output(qosRouterOutputs.set)
    .mutation(({ ctx, input }) => setNicQos(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  remove: authedProcedure
    .meta(rest("DELETE /nics/:nicId/qos", "Remove a vNIC's bandwidth limits"))
    .input(nicIdInput)
    .output(qosRouterOutputs.remove)
    .mutation(({ ctx, input }) => answerOk(removeNicQos(ctx.db, ctx.actor, input))),
});

export const securityGroupsRouter = router({
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: authedProcedure
    .meta(rest("GET /projects/:projectId/security-groups", "List a project's security groups"))
    .input(projectIdInput)
    .output(securityGroupsRouterOutputs.list)
    .query(({ ctx, input }) => listSecurityGroups(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  create: authedProcedure
    .meta(rest("POST /security-groups", "Create a security group"))
    .input(createSecurityGroupInput)
    .output(securityGroupsRouterOutputs.create)
    .mutation(({ ctx, input }) => createSecurityGroup(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta(rest("DELETE /security-groups/:securityGroupId", "Delete a security group"))
    .input(securityGroupIdInput)
    .output(securityGroupsRouterOutputs.delete)
    .mutation(({ ctx, input }) => answerOk(deleteSecurityGroup(ctx.db, ctx.actor, input))),
  /** Project members and admins. */
  addRule: authedProcedure
    .meta(rest("POST /security-groups/:securityGroupId/rules", "Add a rule"))
    .input(addSecurityGroupRuleInput)
    .output(securityGroupsRouterOutputs.addRule)
    .mutation(({ ctx, input }) => addSecurityGroupRule(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  removeRule: authedProcedure
    .meta(rest("DELETE /security-group-rules/:ruleId", "Remove a rule"))
    .input(ruleIdInput)
    .output(securityGroupsRouterOutputs.removeRule)
    .mutation(({ ctx, input }) => answerOk(removeSecurityGroupRule(ctx.db, ctx.actor, input))),
  /** Project members and admins. R5: a VF NIC cannot join. */
  addMember: authedProcedure
    .meta(
      rest(
        "PUT /security-groups/:securityGroupId/members/:nicId",
        "Put a vNIC in a security group",
      ),
    )
    .input(securityGroupMemberInput)
    .output(securityGroupsRouterOutputs.addMember)
    .mutation(({ ctx, input }) => answerOk(addSecurityGroupMember(ctx.db, ctx.actor, input))),
  /** Project members and admins. */
  removeMember: authedProcedure
    .meta(
      rest(
        "DELETE /security-groups/:securityGroupId/members/:nicId",
        "Take a vNIC out of a security group",
      ),
    )
    .input(securityGroupMemberInput)
    .output(securityGroupsRouterOutputs.removeMember)
    .mutation(({ ctx, input }) => answerOk(removeSecurityGroupMember(ctx.db, ctx.actor, input))),
});

export const eipsRouter = router({
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: authedProcedure
    .meta(rest("GET /projects/:projectId/eips", "List a project's EIPs"))
    .input(projectIdInput)
    .output(eipsRouterOutputs.list)
    .query(({ ctx, input }) => listEips(ctx.db, ctx.actor, input)),
  /** Project members and admins. Allocates an address from the VIP L3. */
  create: authedProcedure
    .meta(rest("POST /eips", "Allocate an EIP"))
    .input(createEipInput)
    .output(eipsRouterOutputs.create)
    .mutation(({ ctx, input }) => createEip(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta(rest("DELETE /eips/:eipId", "Release an EIP"))
    .input(eipIdInput)
    .output(eipsRouterOutputs.delete)
    .mutation(({ ctx, input }) => answerOk(deleteEip(ctx.db, ctx.actor, input))),
  /** Project members and admins. R6: refused on a VF NIC of a Public/Flat L3. */
  attach: authedProcedure
    .meta(rest("POST /eips/:eipId/attach", "Attach an EIP to a NIC"))
    .input(attachEipInput)
    .output(eipsRouterOutputs.attach)
    .mutation(({ ctx, input }) => attachEip(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  detach: authedProcedure
    .meta(rest("POST /eips/:eipId/detach", "Detach an EIP"))
    .input(eipIdInput)
    .output(eipsRouterOutputs.detach)
    .mutation(({ ctx, input }) => detachEip(ctx.db, ctx.actor, input)),
});

export const netservicesRouter = router({
  qos: qosRouter,
  securityGroups: securityGroupsRouter,
  eips: eipsRouter,
});
