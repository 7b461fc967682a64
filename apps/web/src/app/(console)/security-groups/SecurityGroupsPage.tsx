"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { SecurityGroupView } from "@virtfn/core";
import dynamic from "next/dynamic";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field, numberOrUndefined } from "~/components/Field";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { Button } from "~/components/ui/Button";
import { DataTable } from "~/components/ui/DataTable";
import { asPage, type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useListParams } from "~/components/ui/useListParams";
import { fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { ProjectScopedPage, useProjectChoice } from "../vms/shared";

// The form (zod, react-hook-form) loads when it is first opened.
const CreateGroupDialog = dynamic(() =>
  import("./CreateGroupDialog").then((m) => m.CreateGroupDialog),
);

type Rule = SecurityGroupView["rules"][number];

const groupColumns: Column<SecurityGroupView>[] = [
  { key: "name", header: "Name", className: "strong", cell: (g) => g.name },
  {
    key: "description",
    header: "Description",
    secondary: true,
    cell: (g) => g.description || <span className="muted">—</span>,
  },
  { key: "rules", header: "Rules", num: true, cell: (g) => g.rules.length },
  { key: "nics", header: "NICs", num: true, cell: (g) => g.memberNicIds.length },
];

export function SecurityGroupsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useListParams();
  const choice = useProjectChoice();
  const { projectId } = choice;
  const groups = useQuery({
    ...trpc.netservices.securityGroups.list.queryOptions({ projectId }),
    enabled: Boolean(projectId),
  });
  const [rulesOf, setRulesOf] = useState<string | null>(null);
  const invalidate = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.netservices.securityGroups.pathFilter()),
      queryClient.invalidateQueries(trpc.vms.get.pathFilter()),
    ]);
  const create = useMutation(
    trpc.netservices.securityGroups.create.mutationOptions({ onSuccess: invalidate }),
  );
  const remove = useMutation(
    trpc.netservices.securityGroups.delete.mutationOptions({ onSuccess: invalidate }),
  );
  const open = groups.data?.find((g) => g.id === rulesOf);
  return (
    <>
      <ListPage
        title="Security groups"
        subtitle="Host firewall rules for vNICs. VF NICs bypass the host, so they cannot be in security groups. Add NICs from a VM's NIC table."
        frame={(page) => <ProjectScopedPage {...page} choice={choice} />}
        create={
          projectId
            ? {
                label: "Create security group",
                dialog: (close) => (
                  <CreateGroupDialog
                    projectId={projectId}
                    onClose={close}
                    onSubmit={(values) => create.mutateAsync(values)}
                  />
                ),
              }
            : null
        }
        list={list}
        query={asPage(groups)}
        paged={false}
        columns={groupColumns}
        rowKey={(g) => g.id}
        rowTestId="sg-row"
        noun="security groups"
        empty={{
          about: "Create one, add rules, then put vNICs in it from their VM's page.",
        }}
        rowActions={(g) => (
          <ActionMenu
            ariaLabel={`Actions for ${g.name}`}
            items={[
              { label: "Rules…", onSelect: () => setRulesOf(g.id) },
              {
                label: "Delete",
                danger: true,
                confirm: {
                  title: `Delete security group ${g.name}?`,
                  body: `Its rules go, and its ${g.memberNicIds.length} NIC(s) leave it and lose the protection it gave.`,
                  confirmLabel: "Delete",
                  danger: true,
                  action: () => remove.mutateAsync({ securityGroupId: g.id }),
                },
              },
            ]}
          />
        )}
      />
      {open ? <RulesDialog group={open} onClose={() => setRulesOf(null)} /> : null}
    </>
  );
}

function portsLabel(r: Rule): string {
  if (r.portStart === null) return "any";
  return r.portEnd && r.portEnd !== r.portStart ? `${r.portStart}–${r.portEnd}` : `${r.portStart}`;
}

/** A rule's port range: two number boxes alike but for their field and hint. */
const portFields = [
  { key: "portStart", label: "From port", placeholder: "any" },
  { key: "portEnd", label: "To port", placeholder: "same" },
] as const;

function RulesDialog({ group, onClose }: { group: SecurityGroupView; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const invalidate = () =>
    void queryClient.invalidateQueries(trpc.netservices.securityGroups.pathFilter());
  const [rule, setRule] = useState({
    direction: "ingress" as "ingress" | "egress",
    protocol: "tcp" as "tcp" | "udp" | "icmp" | "all",
    portStart: "",
    portEnd: "",
    cidr: "0.0.0.0/0",
  });
  const add = useMutation(
    trpc.netservices.securityGroups.addRule.mutationOptions({ onSuccess: invalidate }),
  );
  const remove = useMutation(
    trpc.netservices.securityGroups.removeRule.mutationOptions({ onSuccess: invalidate }),
  );
  const errors = add.error ? fieldErrorsOf(add.error) : {};
  const ports = rule.protocol === "tcp" || rule.protocol === "udp";
  return (
    <Dialog open onClose={onClose} title={`Rules of ${group.name}`} wide>
      <div className="dialog-content">
        {group.rules.length === 0 ? (
          <p className="muted">No rules: nothing is allowed yet.</p>
        ) : (
          <DataTable
            rows={group.rules}
            rowKey={(r) => r.id}
            columns={[
              { key: "direction", header: "Direction", cell: (r) => r.direction },
              { key: "protocol", header: "Protocol", cell: (r) => r.protocol },
              { key: "ports", header: "Ports", cell: portsLabel },
              { key: "cidr", header: "CIDR", cell: (r) => <code>{r.cidr}</code> },
            ]}
            rowActions={(r) => (
              <Button
                variant="danger-outline"
                size="sm"
                disabled={remove.isPending}
                onClick={() => remove.mutate({ ruleId: r.id })}
                aria-label={`Remove rule ${r.direction} ${r.protocol} ${r.cidr}`}
              >
                Remove
              </Button>
            )}
          />
        )}
        <form
          className="inline-create"
          noValidate
          aria-label="Add rule"
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate({
              securityGroupId: group.id,
              direction: rule.direction,
              protocol: rule.protocol,
              portStart: ports ? (numberOrUndefined(rule.portStart) ?? null) : null,
              portEnd: ports
                ? (numberOrUndefined(rule.portEnd) ?? numberOrUndefined(rule.portStart) ?? null)
                : null,
              cidr: rule.cidr,
            });
          }}
        >
          <div className="inline-create-fields">
            <Field id={`${id}-direction`} label="Direction">
              <select
                id={`${id}-direction`}
                value={rule.direction}
                onChange={(event) =>
                  setRule((r) => ({ ...r, direction: event.target.value as "ingress" | "egress" }))
                }
              >
                <option value="ingress">ingress</option>
                <option value="egress">egress</option>
              </select>
            </Field>
            <Field id={`${id}-protocol`} label="Protocol">
              <select
                id={`${id}-protocol`}
                value={rule.protocol}
                onChange={(event) =>
                  setRule((r) => ({
                    ...r,
                    protocol: event.target.value as "tcp" | "udp" | "icmp" | "all",
                  }))
                }
              >
                {["tcp", "udp", "icmp", "all"].map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </Field>
            {ports ? (
              <>
                {portFields.map(({ key, label, placeholder }) => (
                  <Field key={key} id={`${id}-${key}`} label={label} error={errors[key]}>
                    <input
                      id={`${id}-${key}`}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={65535}
                      placeholder={placeholder}
                      value={rule[key]}
                      onChange={(event) => setRule((r) => ({ ...r, [key]: event.target.value }))}
                      aria-describedby={describedBy(`${id}-${key}`, errors[key])}
                    />
                  </Field>
                ))}
              </>
            ) : null}
            <Field id={`${id}-cidr`} label="CIDR" error={errors.cidr}>
              <input
                id={`${id}-cidr`}
                value={rule.cidr}
                spellCheck={false}
                onChange={(event) => setRule((r) => ({ ...r, cidr: event.target.value }))}
                aria-invalid={errors.cidr ? true : undefined}
                aria-describedby={describedBy(`${id}-cidr`, errors.cidr)}
              />
            </Field>
            <Button type="submit" variant="primary" disabled={add.isPending}>
              {add.isPending ? "Adding…" : "Add rule"}
            </Button>
          </div>
          {add.error && Object.keys(errors).length === 0 ? <ErrorBox error={add.error} /> : null}
          {remove.error ? <ErrorBox error={remove.error} /> : null}
        </form>
      </div>
      <div className="dialog-actions">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
