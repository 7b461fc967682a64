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
    .input(setNicQosInput)
    .output(qosRouterOutputs.set)
    .mutation(({ ctx, input }) => setNicQos(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  remove: authedProcedure
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
    .input(projectIdInput)
    .output(securityGroupsRouterOutputs.list)
    .query(({ ctx, input }) => listSecurityGroups(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  create: authedProcedure
    .input(createSecurityGroupInput)
    .output(securityGroupsRouterOutputs.create)
    .mutation(({ ctx, input }) => createSecurityGroup(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .input(securityGroupIdInput)
    .output(securityGroupsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteSecurityGroup(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. */
  addRule: authedProcedure
    .input(addSecurityGroupRuleInput)
    .output(securityGroupsRouterOutputs.addRule)
    .mutation(({ ctx, input }) => addSecurityGroupRule(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  removeRule: authedProcedure
    .input(ruleIdInput)
    .output(securityGroupsRouterOutputs.removeRule)
    .mutation(async ({ ctx, input }) => {
      await removeSecurityGroupRule(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. R5: a VF NIC cannot join. */
  addMember: authedProcedure
    .input(securityGroupMemberInput)
    .output(securityGroupsRouterOutputs.addMember)
    .mutation(async ({ ctx, input }) => {
      await addSecurityGroupMember(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. */
  removeMember: authedProcedure
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
    .input(projectIdInput)
    .output(eipsRouterOutputs.list)
    .query(({ ctx, input }) => listEips(ctx.db, ctx.actor, input)),
  /** Project members and admins. Allocates an address from the VIP L3. */
  create: authedProcedure
    .input(createEipInput)
    .output(eipsRouterOutputs.create)
    .mutation(({ ctx, input }) => createEip(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .input(eipIdInput)
    .output(eipsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteEip(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Project members and admins. R6: refused on a VF NIC of a Public/Flat L3. */
  attach: authedProcedure
    .input(attachEipInput)
    .output(eipsRouterOutputs.attach)
    .mutation(({ ctx, input }) => attachEip(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  detach: authedProcedure
    .input(eipIdInput)
    .output(eipsRouterOutputs.detach)
    .mutation(({ ctx, input }) => detachEip(ctx.db, ctx.actor, input)),
});

export const netservicesRouter = router({
  qos: qosRouter,
  securityGroups: securityGroupsRouter,
  eips: eipsRouter,
});
