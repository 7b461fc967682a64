"use client";

import type { SecurityGroupView } from "@virtfn/core";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field, numberOrUndefined } from "~/components/Field";
import { Button } from "~/components/ui/Button";
import { DataTable } from "~/components/ui/DataTable";
import { fieldErrorsOf } from "~/lib/errors";
import type { RouterInputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import { Form } from "~/components/ui/Form";
import { RemoveButton } from "~/components/ui/RemoveButton";

// A group's rules, shown and changed in a dialog the page loads when it first opens. Each change
// renders the page again on the server, and the dialog shows the group from that answer.

type Rule = SecurityGroupView["rules"][number];

function portsLabel(r: Rule): string {
  if (r.portStart === null) return "any";
  return r.portEnd && r.portEnd !== r.portStart ? `${r.portStart}–${r.portEnd}` : `${r.portStart}`;
}

/** A rule's port range: two number boxes alike but for their field and hint. */
const portFields = [
  { key: "portStart", label: "From port", placeholder: "any" },
  { key: "portEnd", label: "To port", placeholder: "same" },
] as const;

export function RulesDialog({ group, onClose }: { group: SecurityGroupView; onClose: () => void }) {
  const id = useId();
  const [rule, setRule] = useState({
    direction: "ingress" as "ingress" | "egress",
    protocol: "tcp" as "tcp" | "udp" | "icmp" | "all",
    portStart: "",
    portEnd: "",
    cidr: "0.0.0.0/0",
  });
  const add = useAction((api, input: RouterInputs["netservices"]["securityGroups"]["addRule"]) =>
    api.netservices.securityGroups.addRule.mutate(input),
  );
  const remove = useAction((api, input: { ruleId: string }) =>
    api.netservices.securityGroups.removeRule.mutate(input),
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
            columns={[
              { key: "direction", header: "Direction", cell: (r) => r.direction },
              { key: "protocol", header: "Protocol", cell: (r) => r.protocol },
              { key: "ports", header: "Ports", cell: portsLabel },
              { key: "cidr", header: "CIDR", cell: (r) => <code>{r.cidr}</code> },
            ]}
            rowActions={(r) => (
              <RemoveButton
                action={remove}
                input={{ ruleId: r.id }}
                ariaLabel={`Remove rule ${r.direction} ${r.protocol} ${r.cidr}`}
              />
            )}
          />
        )}
        <Form
          className="inline-create"
          aria-label="Add rule"
          onSubmit={() => {
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
        </Form>
      </div>
      <div className="dialog-actions">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
