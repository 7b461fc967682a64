import * as core from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve, serveOk } from "./serve";
import {
  eipsRouterOutputs,
  qosRouterOutputs,
  securityGroupsRouterOutputs,
} from "./outputs.generated";

// Network services hang off a VM's NICs. All procedures are for signed-in users; core scopes
// them to the project (tenants: members only; auditors read only) and enforces R4–R6.

export const qosRouter = router({
  /** Project members and admins. R4: refused on a VF NIC. */
  set: authedProcedure
    .meta(rest("Network services", "PUT /nics/:nicId/qos", "Set a vNIC's bandwidth limits"))
    .input(core.setNicQosInput)
    .output(qosRouterOutputs.set)
    .mutation(serve(core.setNicQos)),
  /** Project members and admins. */
  remove: authedProcedure
    .meta(rest("Network services", "DELETE /nics/:nicId/qos", "Remove a vNIC's bandwidth limits"))
    .input(core.nicIdInput)
    .output(qosRouterOutputs.remove)
    .mutation(serveOk(core.removeNicQos)),
});

export const securityGroupsRouter = router({
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: authedProcedure
    .meta(
      rest(
        "Network services",
        "GET /projects/:projectId/security-groups",
        "List a project's security groups",
      ),
    )
    .input(core.projectIdInput)
    .output(securityGroupsRouterOutputs.list)
    .query(serve(core.listSecurityGroups)),
  /** Project members and admins. */
  create: authedProcedure
    .meta(rest("Network services", "POST /security-groups", "Create a security group"))
    .input(core.createSecurityGroupInput)
    .output(securityGroupsRouterOutputs.create)
    .mutation(serve(core.createSecurityGroup)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta(
      rest(
        "Network services",
        "DELETE /security-groups/:securityGroupId",
        "Delete a security group",
      ),
    )
    .input(core.securityGroupIdInput)
    .output(securityGroupsRouterOutputs.delete)
    .mutation(serveOk(core.deleteSecurityGroup)),
  /** Project members and admins. */
  addRule: authedProcedure
    .meta(rest("Network services", "POST /security-groups/:securityGroupId/rules", "Add a rule"))
    .input(core.addSecurityGroupRuleInput)
    .output(securityGroupsRouterOutputs.addRule)
    .mutation(serve(core.addSecurityGroupRule)),
  /** Project members and admins. */
  removeRule: authedProcedure
    .meta(rest("Network services", "DELETE /security-group-rules/:ruleId", "Remove a rule"))
    .input(core.ruleIdInput)
    .output(securityGroupsRouterOutputs.removeRule)
    .mutation(serveOk(core.removeSecurityGroupRule)),
  /** Project members and admins. R5: a VF NIC cannot join. */
  addMember: authedProcedure
    .meta(
      rest(
        "Network services",
        "PUT /security-groups/:securityGroupId/members/:nicId",
        "Put a vNIC in a security group",
      ),
    )
    .input(core.securityGroupMemberInput)
    .output(securityGroupsRouterOutputs.addMember)
    .mutation(serveOk(core.addSecurityGroupMember)),
  /** Project members and admins. */
  removeMember: authedProcedure
    .meta(
      rest(
        "Network services",
        "DELETE /security-groups/:securityGroupId/members/:nicId",
        "Take a vNIC out of a security group",
      ),
    )
    .input(core.securityGroupMemberInput)
    .output(securityGroupsRouterOutputs.removeMember)
    .mutation(serveOk(core.removeSecurityGroupMember)),
});

export const eipsRouter = router({
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: authedProcedure
    .meta(rest("Network services", "GET /projects/:projectId/eips", "List a project's EIPs"))
    .input(core.projectIdInput)
    .output(eipsRouterOutputs.list)
    .query(serve(core.listEips)),
  /** Project members and admins. Allocates an address from the VIP L3. */
  create: authedProcedure
    .meta(rest("Network services", "POST /eips", "Allocate an EIP"))
    .input(core.createEipInput)
    .output(eipsRouterOutputs.create)
    .mutation(serve(core.createEip)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta(rest("Network services", "DELETE /eips/:eipId", "Release an EIP"))
    .input(core.eipIdInput)
    .output(eipsRouterOutputs.delete)
    .mutation(serveOk(core.deleteEip)),
  /** Project members and admins. R6: refused on a VF NIC of a Public/Flat L3. */
  attach: authedProcedure
    .meta(rest("Network services", "POST /eips/:eipId/attach", "Attach an EIP to a NIC"))
    .input(core.attachEipInput)
    .output(eipsRouterOutputs.attach)
    .mutation(serve(core.attachEip)),
  /** Project members and admins. */
  detach: authedProcedure
    .meta(rest("Network services", "POST /eips/:eipId/detach", "Detach an EIP"))
    .input(core.eipIdInput)
    .output(eipsRouterOutputs.detach)
    .mutation(serve(core.detachEip)),
});

export const netservicesRouter = router({
  qos: qosRouter,
  securityGroups: securityGroupsRouter,
  eips: eipsRouter,
});
