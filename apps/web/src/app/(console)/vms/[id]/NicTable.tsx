"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { Verdict, VmDetail, VmNicView } from "@virtfn/core";
import Link from "next/link";
import { useId, useState } from "react";
import { Badge } from "~/components/badges";
import { ConfirmDialog, Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { CheckboxField, describedBy, Field, numberOrUndefined } from "~/components/Field";
import { fieldErrorsOf } from "~/lib/errors";
import { FormActions } from "~/components/ui/FormActions";
import { Button } from "~/components/ui/Button";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { kbps, operationKindLabel } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { NicTypeBadge } from "../shared";
import { NicMigratableToggle } from "./NicMigratableToggle";
import { VfPortDialog, VfPortSummary } from "./VfPortDialog";
import { useVmRefresh, type NicDialogProps } from "./nicDialog";

type NicDialog = "type" | "port" | "qos" | "securityGroups" | "eip" | "detach";

function vfCell(vm: VmDetail, nic: VmNicView) {
  if (nic.type !== "VF") return <span className="muted">—</span>;
  if (nic.vf) {
    return (
      <>
        <code data-testid="nic-vf-pci">{nic.vf.pciAddress}</code>
        {nic.vf.state !== "Attached" ? <div className="sub">{nic.vf.state}</div> : null}
        {nic.vf.numaNode !== null ? (
          <div className="sub" data-testid="nic-vf-numa">
            NUMA node{nic.vf.numaNode}
          </div>
        ) : null}
        <VfPortSummary nic={nic} />
      </>
    );
  }
  if (nic.vfStatus === "VF lost") {
    return (
      <span
        className="badge badge-warn"
        data-testid="nic-vf-pci"
        title="A forced restore of the PF took this VF (R11). A reboot or start takes a free VF of the L2 back."
      >
        VF lost
      </span>
    );
  }
  return (
    <span
      className="muted"
      data-testid="nic-vf-pci"
      title={
        vm.state === "Running"
          ? "This VF NIC holds no VF."
          : "A stopped VM holds no VF (R8); the NIC gets one back at the next start."
      }
    >
      {vm.state === "Stopped" || vm.state === "Error" ? "released" : "none"}
    </span>
  );
}

/** A service that does not apply to this NIC: the cell says so, with the rule in the tooltip. */
function NotApplicable({ verdict }: { verdict: Verdict }) {
  return (
    <span className="muted na" title={verdict.reason ?? undefined}>
      not on VF NICs
    </span>
  );
}

export function NicTable({ vm, readOnly }: { vm: VmDetail; readOnly: boolean }) {
  const [dialog, setDialog] = useState<{ kind: NicDialog; nicId: string } | null>(null);
  if (vm.nics.length === 0) return <p className="muted">This VM has no NICs.</p>;
  const busy = vm.activeOperation
    ? `${operationKindLabel(vm.activeOperation.kind).toLowerCase()} in progress`
    : null;
  const nic = dialog ? vm.nics.find((n) => n.id === dialog.nicId) : undefined;
  const close = () => setDialog(null);
  return (
    <>
      <div className="table-wrap">
        <table className="data vm-nic-table" data-testid="vm-nic-table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Type</th>
              <th>VF PCI address</th>
              <th className="hide-narrow">IP</th>
              <th className="hide-narrow">L3 network</th>
              <th className="hide-narrow">QoS</th>
              <th className="hide-narrow">Security groups</th>
              <th className="hide-narrow">EIP</th>
              {readOnly ? null : (
                <th className="num row-actions">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {vm.nics.map((n) => {
              const actions = readOnly ? null : (
                <NicActions
                  vm={vm}
                  nic={n}
                  busy={busy}
                  onOpen={(kind) => setDialog({ kind, nicId: n.id })}
                />
              );
              return (
                <tr key={n.id} data-testid="vm-nic-row" data-nic={n.name} data-type={n.type}>
                  <td>
                    <span className="strong">{n.name}</span>
                    {n.isDefault ? (
                      <>
                        {" "}
                        <Badge tone="muted" title="Default route">
                          default
                        </Badge>
                      </>
                    ) : null}
                    <div className="sub" title="MAC address">
                      <code>{n.mac}</code>
                    </div>
                    <div className="sub show-narrow">
                      <code>{n.ip}</code> on {n.l3.name}
                    </div>
                  </td>
                  <td>
                    <NicTypeBadge type={n.type} />
                    {n.migratable && n.type === "VF" ? (
                      <>
                        {" "}
                        <Badge
                          tone="muted"
                          title="A virtio failover partner carries its traffic while the VF is unplugged for a live migration."
                        >
                          migratable
                        </Badge>
                      </>
                    ) : null}
                    <div className="sub nowrap">
                      {n.type === "VF"
                        ? "vfio"
                        : `${n.model} · ${n.mode}${n.queues > 1 ? ` · ${n.queues}q` : ""}`}
                    </div>
                    {readOnly ? null : <NicMigratableToggle vm={vm} nic={n} />}
                  </td>
                  <td>{vfCell(vm, n)}</td>
                  <td className="hide-narrow">
                    <code>{n.ip}</code>
                  </td>
                  <td className="hide-narrow nic-l3" title={`L2 ${n.l3.l2Name}`}>
                    {n.l3.name}
                    <div className="sub">
                      {n.l3.category}
                      {n.l3.vlanId !== null ? ` · VLAN ${n.l3.vlanId}` : ""}
                    </div>
                  </td>
                  <td className="hide-narrow">
                    {n.qos ? (
                      <span className="nowrap">
                        in {kbps(n.qos.inboundKbps)}
                        <div className="sub">out {kbps(n.qos.outboundKbps)}</div>
                      </span>
                    ) : n.capabilities.qos.allowed ? (
                      <span className="muted">—</span>
                    ) : (
                      <NotApplicable verdict={n.capabilities.qos} />
                    )}
                  </td>
                  <td className="hide-narrow">
                    {n.securityGroups.length > 0 ? (
                      n.securityGroups.map((g) => <div key={g.id}>{g.name}</div>)
                    ) : n.capabilities.securityGroups.allowed ? (
                      <span className="muted">—</span>
                    ) : (
                      <NotApplicable verdict={n.capabilities.securityGroups} />
                    )}
                  </td>
                  <td className="hide-narrow">
                    {n.eip ? (
                      <>
                        <code>{n.eip.ip}</code>
                        <div className="sub">{n.eip.name}</div>
                      </>
                    ) : n.capabilities.eip.allowed ? (
                      <span className="muted">—</span>
                    ) : (
                      <NotApplicable verdict={n.capabilities.eip} />
                    )}
                  </td>
                  {readOnly ? null : <td className="num row-actions">{actions}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {dialog && nic ? (
        dialog.kind === "type" ? (
          <TypeDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "port" ? (
          <VfPortDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "qos" ? (
          <QosDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "securityGroups" ? (
          <SecurityGroupsDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "eip" ? (
          <EipDialog vm={vm} nic={nic} onClose={close} />
        ) : (
          <DetachDialog vm={vm} nic={nic} onClose={close} />
        )
      ) : null}
    </>
  );
}

/** A NIC's actions behind one menu; a refused one is greyed out with core's reason under it. */
function NicActions({
  vm,
  nic,
  busy,
  onOpen,
}: {
  vm: VmDetail;
  nic: VmNicView;
  busy: string | null;
  onOpen: (kind: NicDialog) => void;
}) {
  const to = nic.type === "VF" ? "vNIC" : "VF";
  // VF NICs only: link state is the tenant's, so its verdict decides the button (issue 16).
  const port: Array<[NicDialog, string, Verdict, string?]> = nic.vfPort
    ? [["port", "Port…", nic.vfPort.verdicts.linkState]]
    : [];
  const items: Array<[NicDialog, string, Verdict, string?]> = [
    ["type", `Make ${to}`, nic.capabilities.typeChange],
    ...port,
    ["qos", "QoS…", nic.capabilities.qos],
    ["securityGroups", "Security groups…", nic.capabilities.securityGroups],
    ["eip", "EIP…", nic.eip ? { allowed: true, reason: null, code: null } : nic.capabilities.eip],
    ["detach", "Detach", vm.actions.detachNic],
  ];
  return (
    <ActionMenu
      ariaLabel={`Actions for ${nic.name}`}
      items={items.map(([kind, label, verdict]) => ({
        label,
        danger: kind === "detach",
        testId: `nic-action-${kind}`,
        // Busy applies to what goes through an operation or locks the VM (all of them here).
        disabledReason: busy ?? (verdict.allowed ? null : verdict.reason),
        onSelect: () => onOpen(kind),
      }))}
    />
  );
}

function TypeDialog({ vm, nic, onClose }: NicDialogProps) {
  const trpc = useTRPC();
  const closeAfterRefresh = useVmRefresh(vm.id, onClose);
  const to = nic.type === "VF" ? "VNIC" : "VF";
  const change = useMutation(trpc.vms.setNicType.mutationOptions({ onSuccess: closeAfterRefresh }));
  return (
    <ConfirmDialog
      open
      title={`Make ${nic.name} a ${to === "VF" ? "VF" : "vNIC"}?`}
      confirmLabel={`Make ${to === "VF" ? "VF" : "vNIC"}`}
      pending={change.isPending}
      error={change.isError ? <ErrorBox error={change.error} /> : null}
      onClose={onClose}
      onConfirm={() => change.mutate({ nicId: nic.id, type: to })}
    >
      {to === "VF" ? (
        <p>
          {nic.name} becomes an SR-IOV VF on L3 {nic.l3.name}. It keeps its MAC and IP and gets a VF
          at the next start. VF NICs have no QoS or security groups, and a running VM with a VF
          cannot be live-migrated.
        </p>
      ) : (
        <p>
          {nic.name} becomes a virtio vNIC through the host&apos;s software switch. It keeps its MAC
          and IP; QoS and security groups become available.
        </p>
      )}
    </ConfirmDialog>
  );
}

function QosDialog({ vm, nic, onClose }: NicDialogProps) {
  const trpc = useTRPC();
  const id = useId();
  const [inbound, setInbound] = useState(nic.qos?.inboundKbps?.toString() ?? "");
  const [outbound, setOutbound] = useState(nic.qos?.outboundKbps?.toString() ?? "");
  const done = { onSuccess: useVmRefresh(vm.id, onClose) };
  const save = useMutation(trpc.netservices.qos.set.mutationOptions(done));
  const remove = useMutation(trpc.netservices.qos.remove.mutationOptions(done));
  const errors = save.error ? fieldErrorsOf(save.error) : {};
  const formError =
    save.error && !errors.inboundKbps && !errors.outboundKbps ? save.error : remove.error;
  const input = (name: "inboundKbps" | "outboundKbps", value: string, set: (v: string) => void) => (
    <input
      id={`${id}-${name}`}
      type="number"
      inputMode="numeric"
      min={8}
      value={value}
      onChange={(event) => set(event.target.value)}
      placeholder="no limit"
      aria-invalid={errors[name] ? true : undefined}
      aria-describedby={describedBy(`${id}-${name}`, errors[name])}
    />
  );
  return (
    <Dialog open onClose={onClose} title={`QoS for ${nic.name}`}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({
            nicId: nic.id,
            inboundKbps: numberOrUndefined(inbound) ?? null,
            outboundKbps: numberOrUndefined(outbound) ?? null,
          });
        }}
      >
        <div className="dialog-content form-grid">
          <p className="hint">
            Bandwidth limits in kbit/s, applied on the host. Leave one empty for no limit.
          </p>
          <Field id={`${id}-inboundKbps`} label="Inbound (kbit/s)" error={errors.inboundKbps}>
            {input("inboundKbps", inbound, setInbound)}
          </Field>
          <Field id={`${id}-outboundKbps`} label="Outbound (kbit/s)" error={errors.outboundKbps}>
            {input("outboundKbps", outbound, setOutbound)}
          </Field>
        </div>
        <FormActions
          error={formError}
          pending={save.isPending}
          submitLabel="Save"
          onCancel={onClose}
          extra={
            nic.qos ? (
              <Button
                variant="danger-outline"
                disabled={remove.isPending}
                onClick={() => remove.mutate({ nicId: nic.id })}
              >
                {remove.isPending ? "Removing…" : "Remove QoS"}
              </Button>
            ) : null
          }
        />
      </form>
    </Dialog>
  );
}

function SecurityGroupsDialog({ vm, nic, onClose }: NicDialogProps) {
  const trpc = useTRPC();
  const refresh = useVmRefresh(vm.id);
  const groups = useQuery(
    trpc.netservices.securityGroups.list.queryOptions({ projectId: vm.projectId }),
  );
  const add = useMutation(
    trpc.netservices.securityGroups.addMember.mutationOptions({ onSuccess: refresh }),
  );
  const remove = useMutation(
    trpc.netservices.securityGroups.removeMember.mutationOptions({ onSuccess: refresh }),
  );
  const pending = add.isPending || remove.isPending;
  const error = add.error ?? remove.error;
  return (
    <Dialog open onClose={onClose} title={`Security groups of ${nic.name}`}>
      <div className="dialog-content">
        {groups.isPending ? (
          <p className="loading">Loading security groups…</p>
        ) : groups.isError ? (
          <ErrorBox error={groups.error} onRetry={() => void groups.refetch()} />
        ) : groups.data.length === 0 ? (
          <p className="muted">
            The project has no security groups. <Link href="/security-groups">Create one</Link>.
          </p>
        ) : (
          <fieldset className="fieldset">
            <legend>Member of</legend>
            <div className="check-list check-list-column">
              {groups.data.map((g) => {
                const member = g.memberNicIds.includes(nic.id);
                return (
                  <label key={g.id}>
                    <input
                      type="checkbox"
                      checked={member}
                      disabled={pending}
                      onChange={() =>
                        (member ? remove : add).mutate({ securityGroupId: g.id, nicId: nic.id })
                      }
                    />
                    {g.name}
                    <span className="sub-inline">
                      {g.rules.length} rule{g.rules.length === 1 ? "" : "s"}
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        )}
      </div>
      {error ? <ErrorBox error={error} /> : null}
      <div className="dialog-actions">
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      </div>
    </Dialog>
  );
}

function EipDialog({ vm, nic, onClose }: NicDialogProps) {
  const trpc = useTRPC();
  const id = useId();
  const eips = useQuery(trpc.netservices.eips.list.queryOptions({ projectId: vm.projectId }));
  const [eipId, setEipId] = useState("");
  const done = { onSuccess: useVmRefresh(vm.id, onClose) };
  const attach = useMutation(trpc.netservices.eips.attach.mutationOptions(done));
  const detach = useMutation(trpc.netservices.eips.detach.mutationOptions(done));
  const free = (eips.data ?? []).filter((e) => e.nicId === null);
  const error = attach.error ?? detach.error;
  return (
    <Dialog open onClose={onClose} title={`EIP for ${nic.name}`}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (nic.eip) detach.mutate({ eipId: nic.eip.id });
          else attach.mutate({ eipId, nicId: nic.id });
        }}
      >
        <div className="dialog-content">
          {nic.eip ? (
            <p>
              {nic.name} has EIP {nic.eip.name} (<code>{nic.eip.ip}</code>). Detaching keeps the
              address in the project.
            </p>
          ) : eips.isPending ? (
            <p className="loading">Loading EIPs…</p>
          ) : eips.isError ? (
            <ErrorBox error={eips.error} onRetry={() => void eips.refetch()} />
          ) : free.length === 0 ? (
            <p className="muted">
              The project has no free EIP. <Link href="/eips">Create one</Link>.
            </p>
          ) : (
            <Field id={`${id}-eip`} label="EIP">
              <select
                id={`${id}-eip`}
                value={eipId}
                onChange={(event) => setEipId(event.target.value)}
              >
                <option value="">Select an EIP…</option>
                {free.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name} — {e.ip}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </div>
        {nic.eip ? (
          <FormActions
            error={error}
            pending={detach.isPending}
            submitLabel="Detach EIP"
            pendingLabel="Detaching…"
            submitVariant="danger"
            onCancel={onClose}
          />
        ) : (
          <FormActions
            error={error}
            pending={attach.isPending}
            submitDisabled={!eipId}
            submitLabel="Attach EIP"
            pendingLabel="Attaching…"
            onCancel={onClose}
          />
        )}
      </form>
    </Dialog>
  );
}

function DetachDialog({ vm, nic, onClose }: NicDialogProps) {
  const trpc = useTRPC();
  const closeAfterRefresh = useVmRefresh(vm.id, onClose);
  const detach = useMutation(trpc.vms.detachNic.mutationOptions({ onSuccess: closeAfterRefresh }));
  return (
    <ConfirmDialog
      open
      title={`Detach ${nic.name} from ${vm.name}?`}
      confirmLabel="Detach NIC"
      danger
      pending={detach.isPending}
      error={detach.isError ? <ErrorBox error={detach.error} /> : null}
      onClose={onClose}
      onConfirm={() => detach.mutate({ nicId: nic.id })}
    >
      <p>
        The NIC is removed{vm.state === "Running" ? " from the running guest" : ""}. Its IP{" "}
        <code>{nic.ip}</code> and MAC are freed
        {nic.vf ? `, and its VF ${nic.vf.pciAddress} is released` : ""}.
      </p>
    </ConfirmDialog>
  );
}

export function AttachNicDialog({ vm, onClose }: { vm: VmDetail; onClose: () => void }) {
  const trpc = useTRPC();
  const id = useId();
  const closeAfterRefresh = useVmRefresh(vm.id, onClose);
  const [l3Id, setL3Id] = useState("");
  const [sriov, setSriov] = useState(false);
  const options = useQuery(trpc.vms.createOptions.queryOptions({ projectId: vm.projectId }));
  const attach = useMutation(trpc.vms.attachNic.mutationOptions({ onSuccess: closeAfterRefresh }));
  const option = options.data?.find((o) => o.l3Id === l3Id);
  // A stopped VM gets its VF at the next start, so only a running one needs a free VF now.
  const reason = !l3Id
    ? "Pick an L3 network first."
    : !option
      ? null
      : !option.sriovEnabled || (vm.state === "Running" && !option.sriov.allowed)
        ? option.sriov.reason
        : null;
  const errors = attach.error ? fieldErrorsOf(attach.error) : {};
  const unplaced = attach.error && !errors.l3Id;
  return (
    <Dialog open onClose={onClose} title={`Attach a NIC to ${vm.name}`}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          attach.mutate({ vmId: vm.id, l3Id, sriov: sriov && reason === null });
        }}
      >
        <div className="dialog-content form-grid">
          <Field
            id={`${id}-l3`}
            label="L3 network"
            error={errors.l3Id}
            hint={option ? `${option.category} on L2 ${option.l2Name}` : undefined}
          >
            <select
              id={`${id}-l3`}
              value={l3Id}
              onChange={(event) => setL3Id(event.target.value)}
              aria-invalid={errors.l3Id ? true : undefined}
              aria-describedby={describedBy(`${id}-l3`, errors.l3Id, Boolean(option))}
            >
              <option value="">
                {options.isPending ? "Loading networks…" : "Select an L3 network…"}
              </option>
              {(options.data ?? []).map((o) => (
                <option key={o.l3Id} value={o.l3Id}>
                  {o.name} — {o.category} ·{" "}
                  {o.sriovEnabled ? `SR-IOV: ${o.availableVfs} VFs free` : "SR-IOV off"}
                </option>
              ))}
            </select>
          </Field>
          {options.isError ? (
            <ErrorBox error={options.error} onRetry={() => void options.refetch()} />
          ) : null}
          <CheckboxField
            id={`${id}-sriov`}
            name="attach-sriov"
            label="Enable SR-IOV"
            checked={sriov}
            onChange={setSriov}
            disabledReason={reason}
            hint={
              vm.state === "Running"
                ? "A VF on the VM's host is reserved and hot-plugged now."
                : "The VM is stopped: the NIC gets a VF at the next start."
            }
          />
        </div>
        <FormActions
          error={unplaced ? attach.error : null}
          pending={attach.isPending}
          submitLabel="Attach NIC"
          pendingLabel="Attaching…"
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
