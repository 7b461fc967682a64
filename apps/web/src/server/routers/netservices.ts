import * as core from "@virtfn/core";
import { router } from "../trpc";
import {
  eipsRouterOutputs,
  qosRouterOutputs,
  securityGroupsRouterOutputs,
} from "./outputs.generated";
import { answersOk, serviceRouter, signedIn } from "./service-router";

// Network services hang off a VM's NICs. All procedures are for signed-in users; core scopes
// them to the project (tenants: members only; auditors read only) and enforces R4–R6.

export const qosRouter = serviceRouter("Network services", qosRouterOutputs, {
  /** Project members and admins. R4: refused on a VF NIC. */
  set: signedIn({
    route: "PUT /nics/:nicId/qos",
    summary: "Set a vNIC's bandwidth limits",
    input: core.setNicQosInput,
    service: core.setNicQos,
  }),
  /** Project members and admins. */
  remove: signedIn({
    route: "DELETE /nics/:nicId/qos",
    summary: "Remove a vNIC's bandwidth limits",
    input: core.nicIdInput,
    service: answersOk(core.removeNicQos),
  }),
});

export const securityGroupsRouter = serviceRouter("Network services", securityGroupsRouterOutputs, {
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: signedIn({
    route: "GET /projects/:projectId/security-groups",
    summary: "List a project's security groups",
    input: core.projectIdInput,
    service: core.listSecurityGroups,
  }),
  /** Project members and admins. */
  create: signedIn({
    route: "POST /security-groups",
    summary: "Create a security group",
    input: core.createSecurityGroupInput,
    service: core.createSecurityGroup,
  }),
  /** Project members and admins. */
  delete: signedIn({
    route: "DELETE /security-groups/:securityGroupId",
    summary: "Delete a security group",
    input: core.securityGroupIdInput,
    service: answersOk(core.deleteSecurityGroup),
  }),
  /** Project members and admins. */
  addRule: signedIn({
    route: "POST /security-groups/:securityGroupId/rules",
    summary: "Add a rule",
    input: core.addSecurityGroupRuleInput,
    service: core.addSecurityGroupRule,
  }),
  /** Project members and admins. */
  removeRule: signedIn({
    route: "DELETE /security-group-rules/:ruleId",
    summary: "Remove a rule",
    input: core.ruleIdInput,
    service: answersOk(core.removeSecurityGroupRule),
  }),
  /** Project members and admins. R5: a VF NIC cannot join. */
  addMember: signedIn({
    route: "PUT /security-groups/:securityGroupId/members/:nicId",
    summary: "Put a vNIC in a security group",
    input: core.securityGroupMemberInput,
    service: answersOk(core.addSecurityGroupMember),
  }),
  /** Project members and admins. */
  removeMember: signedIn({
    route: "DELETE /security-groups/:securityGroupId/members/:nicId",
    summary: "Take a vNIC out of a security group",
    input: core.securityGroupMemberInput,
    service: answersOk(core.removeSecurityGroupMember),
  }),
});

export const eipsRouter = serviceRouter("Network services", eipsRouterOutputs, {
  /** Signed in; a project the caller cannot see answers NOT_FOUND, like any hidden resource. */
  list: signedIn({
    route: "GET /projects/:projectId/eips",
    summary: "List a project's EIPs",
    input: core.projectIdInput,
    service: core.listEips,
  }),
  /** Project members and admins. Allocates an address from the VIP L3. */
  create: signedIn({
    route: "POST /eips",
    summary: "Allocate an EIP",
    input: core.createEipInput,
    service: core.createEip,
  }),
  /** Project members and admins. */
  delete: signedIn({
    route: "DELETE /eips/:eipId",
    summary: "Release an EIP",
    input: core.eipIdInput,
    service: answersOk(core.deleteEip),
  }),
  /** Project members and admins. R6: refused on a VF NIC of a Public/Flat L3. */
  attach: signedIn({
    route: "POST /eips/:eipId/attach",
    summary: "Attach an EIP to a NIC",
    input: core.attachEipInput,
    service: core.attachEip,
  }),
  /** Project members and admins. */
  detach: signedIn({
    route: "POST /eips/:eipId/detach",
    summary: "Detach an EIP",
    input: core.eipIdInput,
    service: core.detachEip,
  }),
});

export const netservicesRouter = router({
  qos: qosRouter,
  securityGroups: securityGroupsRouter,
  eips: eipsRouter,
});
