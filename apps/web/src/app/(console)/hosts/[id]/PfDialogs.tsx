"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { HostDetail, NicDetail } from "@virtfn/core";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { OperationStatusBadge } from "~/components/badges";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field } from "~/components/Field";
import { isActive } from "~/components/detail/operation-status";
import { OperationProgress } from "~/components/OperationsTable";
import { errorData } from "~/lib/errors";
import { progressCount } from "@virtfn/core/progress";
import { operationKindLabel } from "~/lib/operation-kinds";
import { FormActions } from "~/components/ui/FormActions";
import { useTRPC } from "~/trpc/react";
import { useFollowedOperation } from "../useFollowedOperation";
import { Form } from "~/components/ui/Form";

/**
 * Once a split or restore started, its dialog follows the operation until it ends, then renders
 * the host page again on the server (its NICs and VFs changed) and drops the VF pools read here.
 */
function PfOperationProgress({
  operationId,
  nic: { label: pfName },
  onClose,
}: PfDialogProps & { operationId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { op, nextStep: closeButton } = useFollowedOperation<HTMLButtonElement>(operationId, 1000);
  const finished = op.data ? !isActive(op.data) : false;
  useEffect(() => {
    if (!finished) return;
    router.refresh();
    void queryClient.invalidateQueries(trpc.sriov.pathFilter());
  }, [finished, router, queryClient, trpc]);

  const data = op.data;
  const counted = data ? progressCount(data) : null;
  const result =
    data?.result && typeof data.result === "object" && !Array.isArray(data.result)
      ? data.result
      : null;
  const numVfs = result && typeof result.numVfs === "number" ? result.numVfs : null;
  return (
    <div>
      <div className="dialog-content">
        {data ? (
          <div className="add-progress" data-testid="pf-operation" data-status={data.status}>
            <p>
              <OperationStatusBadge status={data.status} />{" "}
              {data.status === "Succeeded"
                ? data.kind === "pf.restore"
                  ? `${pfName} is restored: it has no VFs.`
                  : `${pfName} now has ${numVfs ?? "its"} VFs.`
                : data.status === "Failed"
                  ? `${operationKindLabel(data.kind)} of ${pfName} failed.`
                  : `${operationKindLabel(data.kind)} of ${pfName}…`}
              {counted && isActive(data) ? (
                <strong className="vf-count" data-testid="pf-operation-count">
                  {" "}
                  {counted}
                </strong>
              ) : null}
            </p>
            <OperationProgress op={data} />
            {data.status === "Pending" ? (
              <p className="hint">
                A worker picks the operation up shortly; you can close this dialog and follow it in
                the NIC table.
              </p>
            ) : null}
          </div>
        ) : op.isError ? (
          <ErrorBox error={op.error} onRetry={() => void op.refetch()} />
        ) : (
          <p className="loading">Loading operation…</p>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} ref={closeButton}>
          Close
        </button>
      </div>
    </div>
  );
}

/** What every dialog of a PF row gets: the PF, its host, and how to close. */
export interface PfDialogProps {
  host: HostDetail;
  nic: NicDetail;
  onClose: () => void;
}

export function SplitDialog({ host, nic, open, onClose }: PfDialogProps & { open: boolean }) {
  const trpc = useTRPC();
  const id = useId();
  const [count, setCount] = useState(() =>
    String(nic.numVfs > 0 ? nic.numVfs : nic.actions.vfCount.max),
  );
  const [touched, setTouched] = useState(false);
  const [operationId, setOperationId] = useState<string | null>(null);
  const splitSlaves = nic.bondName
    ? host.nics
        .filter(
          (other) => other.bondName === nic.bondName && other.id !== nic.id && other.numVfs > 0,
        )
        .map((other) => other.label)
    : [];
  const warnings = useQuery({
    ...trpc.sriov.splitWarnings.queryOptions({
      name: nic.label,
      bondName: nic.bondName,
      bondSlaves: nic.bondSlaves,
      splitSlaves,
    }),
    enabled: open && nic.bondName !== null,
  });
  const split = useMutation(
    trpc.sriov.split.mutationOptions({
      onSuccess: (result) => setOperationId(result.operation.id),
    }),
  );

  // R12's bounds come from core with the NIC; the field only says when a count is outside them.
  const { min, max } = nic.actions.vfCount;
  const value = Number(count.trim());
  const localError =
    count.trim() === ""
      ? "Enter the number of VFs"
      : !Number.isInteger(value)
        ? "The VF count is a whole number"
        : value < min || value > max
          ? `Between ${min} and ${max}`
          : undefined;
  const serverError =
    split.error && errorData(split.error).domainCode === "VF_COUNT_OUT_OF_RANGE"
      ? split.error.message
      : undefined;
  const countError = (touched ? localError : undefined) ?? serverError;
  const otherError = split.error && !serverError ? split.error : null;
  const resize = nic.numVfs > 0 && localError === undefined && value !== nic.numVfs;

  const close = () => {
    onClose();
    setOperationId(null);
    setTouched(false);
    split.reset();
  };

  return (
    <Dialog open={open} onClose={close} title={`SR-IOV split: ${nic.label} on ${host.name}`}>
      {operationId ? (
        <PfOperationProgress operationId={operationId} host={host} nic={nic} onClose={close} />
      ) : (
        <Form
          onSubmit={() => {
            setTouched(true);
            if (localError) return;
            split.mutate({ pfId: nic.id, count: value });
          }}
        >
          <div className="dialog-content">
            <p className="muted">
              {nic.model} · <code>{nic.pciAddress}</code> ·{" "}
              {nic.numVfs > 0 ? `${nic.numVfs} VFs now` : "not split"}
            </p>
            <Field
              id={`${id}-count`}
              label="Number of VFs"
              error={countError}
              hint={`${min} to ${max} (the most this NIC supports, sriov_totalvfs).`}
            >
              <input
                id={`${id}-count`}
                name="count"
                type="number"
                inputMode="numeric"
                min={min}
                max={max}
                step={1}
                value={count}
                data-autofocus=""
                onChange={(event) => {
                  setCount(event.target.value);
                  setTouched(true);
                  if (split.isError) split.reset();
                }}
                aria-invalid={countError ? true : undefined}
                aria-describedby={describedBy(`${id}-count`, countError, true)}
                required
              />
            </Field>
            {resize ? (
              <div className="banner banner-info" role="status">
                Changing {nic.numVfs} VFs to {value} goes through 0: the kernel refuses otherwise.
                The existing VFs are destroyed and recreated, which is allowed only while none of
                them is in use.
              </div>
            ) : null}
            {warnings.data && warnings.data.length > 0 ? (
              <div className="banner banner-warn" role="status" data-testid="split-warning">
                <strong>Bonded NIC.</strong>
                <ul className="warning-list">
                  {warnings.data.map((warning) => (
                    <li key={warning}>{warning}.</li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
          <FormActions
            error={otherError}
            pending={split.isPending}
            submitLabel="Split"
            pendingLabel="Starting…"
            onCancel={close}
          />
        </Form>
      )}
    </Dialog>
  );
}

interface VmRef {
  id: string;
  name: string;
}

function attachedVms(error: unknown): VmRef[] | null {
  const data = errorData(error);
  if (data.domainCode !== "VFS_ATTACHED") return null;
  const vms = data.details?.vms;
  if (!Array.isArray(vms)) return [];
  return vms.filter(
    (vm): vm is VmRef =>
      typeof vm === "object" && vm !== null && "name" in vm && typeof vm.name === "string",
  );
}

export function RestoreDialog({ host, nic, open, onClose }: PfDialogProps & { open: boolean }) {
  const trpc = useTRPC();
  const [operationId, setOperationId] = useState<string | null>(null);
  const restore = useMutation(
    trpc.sriov.restore.mutationOptions({
      onSuccess: (result) => setOperationId(result.operation.id),
    }),
  );
  const vms = restore.isError ? attachedVms(restore.error) : null;
  const close = () => {
    onClose();
    setOperationId(null);
    restore.reset();
  };
  const inUse = nic.vfTotal - nic.vfAvailable;

  return (
    <Dialog open={open} onClose={close} title={`SR-IOV restore: ${nic.label} on ${host.name}?`}>
      {operationId ? (
        <PfOperationProgress operationId={operationId} host={host} nic={nic} onClose={close} />
      ) : (
        <Form onSubmit={() => restore.mutate({ pfId: nic.id, force: vms !== null })}>
          <div className="dialog-content">
            <div className="banner banner-warn" role="note">
              <strong>Warning.</strong> Restoring sets <code>sriov_numvfs</code> to 0: all{" "}
              {nic.numVfs} VFs of {nic.label} are destroyed, and VMs lose the VF NICs they hold on
              them.
            </div>
            {inUse > 0 && !vms ? (
              <p>
                {inUse} of {nic.vfTotal} VFs are reserved or attached right now.
              </p>
            ) : null}
            {vms ? (
              <div className="banner banner-err" role="alert" data-testid="restore-refused">
                <p>
                  <strong>Refused:</strong> VFs of {nic.label} are attached to{" "}
                  {vms.length === 1 ? "this VM" : `these ${vms.length} VMs`}:
                </p>
                <ul className="vm-list">
                  {vms.map((vm) => (
                    <li key={vm.id}>{vm.name}</li>
                  ))}
                </ul>
                <p className="small">
                  Forcing detaches these VF NICs from the VMs first (they keep running without
                  them), then restores.
                </p>
              </div>
            ) : null}
          </div>
          {restore.isError && !vms ? <ErrorBox error={restore.error} /> : null}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={close} data-autofocus="">
              Cancel
            </button>
            <button type="submit" className="btn btn-danger" disabled={restore.isPending}>
              {restore.isPending
                ? "Working…"
                : vms
                  ? "Force: detach these VF NICs, then restore"
                  : "Restore"}
            </button>
          </div>
        </Form>
      )}
    </Dialog>
  );
}
