import type { Db, SecurityGroup, SecurityGroupRule } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import type { Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireProjectWriter, TX_OPTIONS } from "../vms/access";
import { enforce, securityGroupVerdict } from "../vms/rules";
import { lockNicFacts } from "./nic";
import {
  addSecurityGroupRuleInput,
  createSecurityGroupInput,
  projectIdInput,
  ruleIdInput,
  securityGroupIdInput,
  securityGroupMemberInput,
  type AddSecurityGroupRuleInput,
  type CreateSecurityGroupInput,
  type ProjectIdInput,
  type RuleIdInput,
  type SecurityGroupIdInput,
  type SecurityGroupMemberInput,
} from "./schemas";
import { canSeeProject, requireVisibleProject } from "../shared/visibility";

export type SecurityGroupView = SecurityGroup & {
  rules: SecurityGroupRule[];
  memberNicIds: string[];
};

function canRead(actor: Actor, projectId: string): boolean {
  return canSeeProject(actor, projectId);
}

async function visibleGroup(
  db: Db | Parameters<Parameters<Db["$transaction"]>[0]>[0],
  actor: Actor,
  id: string,
) {
  const group = await db.securityGroup.findUnique({ where: { id } });
  if (!group || !canRead(actor, group.projectId)) throw notFound("Security group", id);
  requireProjectWriter(actor, group.projectId);
  return group;
}

export async function listSecurityGroups(
  db: Db,
  actor: Actor,
  rawInput: ProjectIdInput,
): Promise<SecurityGroupView[]> {
  const { projectId } = projectIdInput.parse(rawInput);
  requireVisibleProject(actor, projectId);
  const rows = await db.securityGroup.findMany({
    where: { projectId },
    include: { rules: true, members: { select: { nicId: true } } },
    orderBy: { name: "asc" },
  });
  return rows.map(({ members, ...row }) => ({ ...row, memberNicIds: members.map((m) => m.nicId) }));
}

export async function createSecurityGroup(
  db: Db,
  actor: Actor,
  rawInput: CreateSecurityGroupInput,
): Promise<SecurityGroup> {
  const input = createSecurityGroupInput.parse(rawInput);
  requireProjectWriter(actor, input.projectId);
  try {
    return await db.$transaction(async (tx) => {
      const group = await tx.securityGroup.create({ data: input });
      await recordAudit(tx, actor, {
        action: "securityGroup.create",
        targetType: "SecurityGroup",
        targetId: group.id,
        projectId: group.projectId,
        outcome: "Success",
        details: { name: group.name },
      });
      return group;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("security group", "name", input.name);
    throw error;
  }
}

export async function deleteSecurityGroup(
  db: Db,
  actor: Actor,
  rawInput: SecurityGroupIdInput,
): Promise<void> {
  const { securityGroupId } = securityGroupIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const group = await visibleGroup(tx, actor, securityGroupId);
    await tx.securityGroup.delete({ where: { id: group.id } });
    await recordAudit(tx, actor, {
      action: "securityGroup.delete",
      targetType: "SecurityGroup",
      targetId: group.id,
      projectId: group.projectId,
      outcome: "Success",
      details: { name: group.name },
    });
  });
}

export async function addSecurityGroupRule(
  db: Db,
  actor: Actor,
  rawInput: AddSecurityGroupRuleInput,
): Promise<SecurityGroupRule> {
  const input = addSecurityGroupRuleInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const group = await visibleGroup(tx, actor, input.securityGroupId);
    const { securityGroupId: _id, ...rule } = input;
    const row = await tx.securityGroupRule.create({ data: { securityGroupId: group.id, ...rule } });
    await recordAudit(tx, actor, {
      action: "securityGroup.addRule",
      targetType: "SecurityGroup",
      targetId: group.id,
      projectId: group.projectId,
      outcome: "Success",
      details: rule,
    });
    return row;
  });
}

export async function removeSecurityGroupRule(
  db: Db,
  actor: Actor,
  rawInput: RuleIdInput,
): Promise<void> {
  const { ruleId } = ruleIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const rule = await tx.securityGroupRule.findUnique({ where: { id: ruleId } });
    if (!rule) throw notFound("Security group rule", ruleId);
    const group = await visibleGroup(tx, actor, rule.securityGroupId).catch((error: unknown) => {
      // The rule's group is invisible: say the rule is not found, without naming the group.
      if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND)
        throw notFound("Security group rule", ruleId);
      throw error;
    });
    await tx.securityGroupRule.delete({ where: { id: ruleId } });
    await recordAudit(tx, actor, {
      action: "securityGroup.removeRule",
      targetType: "SecurityGroup",
      targetId: group.id,
      projectId: group.projectId,
      outcome: "Success",
      details: { ruleId },
    });
  });
}

/** R5: a VF NIC cannot join a security group, on any L3 category. */
export async function addSecurityGroupMember(
  db: Db,
  actor: Actor,
  rawInput: SecurityGroupMemberInput,
): Promise<void> {
  const input = securityGroupMemberInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const { vm, nic, facts } = await lockNicFacts(tx, actor, input.nicId);
    const group = await visibleGroup(tx, actor, input.securityGroupId);
    if (group.projectId !== vm.projectId) {
      throw new DomainError(
        ErrorCode.PROJECT_MISMATCH,
        "BAD_REQUEST",
        "The security group and the NIC belong to different projects.",
      );
    }
    enforce(securityGroupVerdict(facts), { nicId: nic.id });
    await tx.securityGroupMember.upsert({
      where: { securityGroupId_nicId: { securityGroupId: group.id, nicId: nic.id } },
      create: { securityGroupId: group.id, nicId: nic.id },
      update: {},
    });
    await recordAudit(tx, actor, {
      action: "securityGroup.addMember",
      targetType: "SecurityGroup",
      targetId: group.id,
      projectId: group.projectId,
      outcome: "Success",
      details: { nicId: nic.id, vm: vm.name },
    });
  }, TX_OPTIONS);
}

export async function removeSecurityGroupMember(
  db: Db,
  actor: Actor,
  rawInput: SecurityGroupMemberInput,
): Promise<void> {
  const input = securityGroupMemberInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const { vm, nic } = await lockNicFacts(tx, actor, input.nicId);
    const group = await visibleGroup(tx, actor, input.securityGroupId);
    await tx.securityGroupMember.deleteMany({
      where: { securityGroupId: group.id, nicId: nic.id },
    });
    await recordAudit(tx, actor, {
      action: "securityGroup.removeMember",
      targetType: "SecurityGroup",
      targetId: group.id,
      projectId: group.projectId,
      outcome: "Success",
      details: { nicId: nic.id, vm: vm.name },
    });
  }, TX_OPTIONS);
}
