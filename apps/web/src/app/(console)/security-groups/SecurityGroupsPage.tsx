"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { SecurityGroupView } from "@virtfn/core";
import { useId, useState } from "react";
import { ConfirmDialog, Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field, numberOrUndefined } from "~/components/Field";
import { fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { ProjectPicker, useProjects } from "../vms/shared";

export function SecurityGroupsPage({ projectIds }: { projectIds: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const { projects, pending } = useProjects(projectIds);
  const [choice, setChoice] = useState("");
  const projectId = choice || projects[0]?.id || "";
  const groups = useQuery({
    ...trpc.netservices.securityGroups.list.queryOptions({ projectId }),
    enabled: Boolean(projectId),
  });
  const [form, setForm] = useState({ name: "", description: "" });
  const [rulesOf, setRulesOf] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<SecurityGroupView | null>(null);
  const invalidate = () =>
    void queryClient.invalidateQueries(trpc.netservices.securityGroups.pathFilter());
  const create = useMutation(
    trpc.netservices.securityGroups.create.mutationOptions({
      onSuccess: () => {
        invalidate();
        setForm({ name: "", description: "" });
      },
    }),
  );
  const remove = useMutation(
    trpc.netservices.securityGroups.delete.mutationOptions({
      onSuccess: () => {
        invalidate();
        void queryClient.invalidateQueries(trpc.vms.get.pathFilter());
        setDeleting(null);
      },
    }),
  );
  const errors = create.error ? fieldErrorsOf(create.error) : {};
  const open = groups.data?.find((g) => g.id === rulesOf);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Security groups</h1>
          <p className="subtitle">
            Host firewall rules for vNICs. VF NICs bypass the host, so they cannot be in security
            groups (R5). Add NICs from a VM&apos;s NIC table.
          </p>
        </div>
        <ProjectPicker
          id={`${id}-project`}
          projects={projects}
          value={projectId}
          onChange={setChoice}
        />
      </div>
      {!projectId ? (
        <div className="empty">
          <p>{pending ? "Loading projects…" : "You are not a member of any project."}</p>
        </div>
      ) : groups.isError ? (
        <ErrorBox
          title="Could not load security groups."
          error={groups.error}
          onRetry={() => void groups.refetch()}
        />
      ) : groups.isPending ? (
        <div className="loading" aria-busy="true">
          Loading security groups…
        </div>
      ) : groups.data.length === 0 ? (
        <div className="empty">
          <p>
            <strong>No security groups yet.</strong>
          </p>
          <p>Create one below, add rules, then put vNICs in it from their VM&apos;s page.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th className="hide-narrow">Description</th>
                <th className="num">Rules</th>
                <th className="num">NICs</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.id} data-testid="sg-row">
                  <td className="strong">{g.name}</td>
                  <td className="hide-narrow">
                    {g.description || <span className="muted">—</span>}
                  </td>
                  <td className="num">{g.rules.length}</td>
                  <td className="num">{g.memberNicIds.length}</td>
                  <td className="row-actions">
                    <div className="actions">
                      <button type="button" className="btn btn-sm" onClick={() => setRulesOf(g.id)}>
                        Rules…
                      </button>
                      <button
                        type="button"
                        className="btn btn-sm btn-danger-outline"
                        onClick={() => setDeleting(g)}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {projectId ? (
        <form
          className="panel inline-create"
          noValidate
          aria-label="New security group"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({ projectId, name: form.name, description: form.description });
          }}
        >
          <h3>New security group</h3>
          <div className="inline-create-fields">
            <Field id={`${id}-name`} label="Name" error={errors.name}>
              <input
                id={`${id}-name`}
                value={form.name}
                placeholder="web"
                autoComplete="off"
                onChange={(event) => setForm((f) => ({ ...f, name: event.target.value }))}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={describedBy(`${id}-name`, errors.name)}
              />
            </Field>
            <Field
              id={`${id}-description`}
              label="Description (optional)"
              error={errors.description}
            >
              <input
                id={`${id}-description`}
                value={form.description}
                autoComplete="off"
                onChange={(event) => setForm((f) => ({ ...f, description: event.target.value }))}
              />
            </Field>
            <button type="submit" className="btn btn-primary" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create"}
            </button>
          </div>
          {create.error && Object.keys(errors).length === 0 ? (
            <ErrorBox error={create.error} />
          ) : null}
        </form>
      ) : null}

      {open ? <RulesDialog group={open} onClose={() => setRulesOf(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete security group ${deleting?.name ?? ""}?`}
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        error={remove.isError ? <ErrorBox error={remove.error} /> : null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ securityGroupId: deleting.id })}
      >
        <p>
          Its rules go, and its {deleting?.memberNicIds.length ?? 0} NIC(s) leave it and lose the
          protection it gave.
        </p>
      </ConfirmDialog>
    </>
  );
}

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
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>Direction</th>
                  <th>Protocol</th>
                  <th>Ports</th>
                  <th>CIDR</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {group.rules.map((r) => (
                  <tr key={r.id}>
                    <td>{r.direction}</td>
                    <td>{r.protocol}</td>
                    <td>
                      {r.portStart === null
                        ? "any"
                        : r.portEnd && r.portEnd !== r.portStart
                          ? `${r.portStart}–${r.portEnd}`
                          : r.portStart}
                    </td>
                    <td>
                      <code>{r.cidr}</code>
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn btn-sm btn-danger-outline"
                        disabled={remove.isPending}
                        onClick={() => remove.mutate({ ruleId: r.id })}
                        aria-label={`Remove rule ${r.direction} ${r.protocol} ${r.cidr}`}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
                <Field id={`${id}-portStart`} label="From port" error={errors.portStart}>
                  <input
                    id={`${id}-portStart`}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={65535}
                    placeholder="any"
                    value={rule.portStart}
                    onChange={(event) => setRule((r) => ({ ...r, portStart: event.target.value }))}
                    aria-describedby={describedBy(`${id}-portStart`, errors.portStart)}
                  />
                </Field>
                <Field id={`${id}-portEnd`} label="To port" error={errors.portEnd}>
                  <input
                    id={`${id}-portEnd`}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={65535}
                    placeholder="same"
                    value={rule.portEnd}
                    onChange={(event) => setRule((r) => ({ ...r, portEnd: event.target.value }))}
                    aria-describedby={describedBy(`${id}-portEnd`, errors.portEnd)}
                  />
                </Field>
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
            <button type="submit" className="btn btn-primary" disabled={add.isPending}>
              {add.isPending ? "Adding…" : "Add rule"}
            </button>
          </div>
          {add.error && Object.keys(errors).length === 0 ? <ErrorBox error={add.error} /> : null}
          {remove.error ? <ErrorBox error={remove.error} /> : null}
        </form>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
