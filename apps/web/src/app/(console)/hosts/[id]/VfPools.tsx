"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { DataTable } from "~/components/ui/DataTable";
import { ErrorBox } from "~/components/ErrorBox";
import { FormActions } from "~/components/ui/FormActions";
import { describedBy, Field } from "~/components/Field";
import { errorData } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import type { PfDialogProps } from "./PfDialogs";
import { Form } from "~/components/ui/Form";
import { RemoveButton } from "~/components/ui/RemoveButton";

// VF pools of one PF (issue 16): the list with each pool's L2s, projects and VF counts, a form to
// carve a new one out by index range, and delete. Core decides; the dialog shows its refusals
// next to the field they are about (range errors under the range, holders as a list).

const RANGE_CODES = new Set(["VF_POOL_INVALID_RANGE", "VF_POOL_OUT_OF_RANGE", "VF_POOL_OVERLAP"]);

interface Holder {
  vfIndex: number;
  vm: string;
  l3: string;
}

function holdersOf(error: unknown): Holder[] {
  const data = errorData(error);
  const holders: unknown = data.details?.holders;
  if (data.domainCode !== "VF_POOL_HELD_OUTSIDE" || !Array.isArray(holders)) return [];
  return (holders as unknown[]).filter(
    (h): h is Holder => typeof h === "object" && h !== null && "vm" in h && "vfIndex" in h,
  );
}

/** The pools of one PF, and the form to carve a new one (loaded by PfVfButtons). */
export function VfPoolsDialog({ host, nic, onClose }: PfDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const pools = useQuery(trpc.sriov.pools.queryOptions({ pfId: nic.id }));
  const l2s = useQuery(
    trpc.networks.l2.list.queryOptions({ limit: 200, sriovEnabled: true, sort: "name" }),
  );
  const projects = useQuery(
    trpc.iam.projects.list.queryOptions({ limit: 200, sort: "name", order: "asc" }),
  );
  // Only L2s whose interface is this PF (or its bond) can take its VFs.
  const candidates = (l2s.data?.items ?? []).filter(
    (l2) => l2.physicalInterface === nic.name || l2.physicalInterface === nic.bondName,
  );
  const [name, setName] = useState("");
  const [range, setRange] = useState(nic.numVfs > 0 ? `#0-${Math.min(3, nic.numVfs - 1)}` : "");
  const [l2Ids, setL2Ids] = useState<string[]>([]);
  const [projectIds, setProjectIds] = useState<string[]>([]);
  // The pools here; the page's own data (the host's VF counts) is rendered again by withDataLayer.
  const refresh = () => void queryClient.invalidateQueries(trpc.sriov.pathFilter());
  const create = useMutation(
    trpc.sriov.createPool.mutationOptions({
      onSuccess: () => {
        setName("");
        setL2Ids([]);
        setProjectIds([]);
        refresh();
      },
    }),
  );
  const remove = useMutation(trpc.sriov.deletePool.mutationOptions({ onSuccess: refresh }));
  const code = create.error ? errorData(create.error).domainCode : undefined;
  const rangeError =
    create.error && code && RANGE_CODES.has(code) ? create.error.message : undefined;
  const holders = holdersOf(create.error);
  const otherError = create.error && !rangeError ? create.error : null;

  return (
    <Dialog open onClose={onClose} title={`VF pools: ${nic.label} on ${host.name}`} wide>
      <div className="dialog-content" data-testid="vf-pools">
        <p className="muted">
          {nic.numVfs > 0 ? `VFs #0-${nic.numVfs - 1}` : "Not split"}. A pool&apos;s VFs go only to
          VF NICs on its L2s (and, if it names projects, only in those). VFs in no pool stay free
          for every L2 on {nic.label}.
        </p>
        {pools.isPending ? (
          <p className="muted">Loading pools…</p>
        ) : pools.isError ? (
          <ErrorBox error={pools.error} onRetry={() => void pools.refetch()} />
        ) : pools.data.length === 0 ? (
          <p className="muted" data-testid="vf-pools-empty">
            No pools: every VF of {nic.label} is free for every L2 on it.
          </p>
        ) : (
          <DataTable
            rows={pools.data}
            columns={[
              { key: "pool", header: "Pool", className: "strong", cell: (pool) => pool.name },
              {
                key: "vfs",
                header: "VFs",
                cell: (pool) => (
                  <code>
                    {nic.label}
                    {pool.range}
                  </code>
                ),
              },
              {
                key: "l2s",
                header: "L2s",
                cell: (pool) => pool.l2s.map((l2) => l2.name).join(", ") || "—",
              },
              {
                key: "projects",
                header: "Projects",
                cell: (pool) =>
                  pool.projects.length > 0 ? (
                    pool.projects.map((p) => p.name).join(", ")
                  ) : (
                    <span className="muted">all</span>
                  ),
              },
              {
                key: "counts",
                header: "Free / in use / total",
                num: true,
                cell: (pool) => `${pool.available} / ${pool.inUse} / ${pool.total}`,
              },
            ]}
            testId="vf-pools-table"
            rowTestId="vf-pool-row"
            rowData={(pool) => ({ "data-pool": pool.name })}
            rowActions={(pool) => (
              <RemoveButton action={remove} input={{ poolId: pool.id }} label="Delete" />
            )}
          />
        )}
        {remove.error ? <ErrorBox error={remove.error} /> : null}
        <Form
          className="vf-pool-form"
          onSubmit={() =>
            create.mutate({ pfId: nic.id, name: name.trim(), range, l2Ids, projectIds })
          }
        >
          <h3>New pool</h3>
          <Field id={`${id}-name`} label="Name">
            <input
              id={`${id}-name`}
              name="name"
              value={name}
              placeholder="gold"
              onChange={(event) => setName(event.target.value)}
              required
            />
          </Field>
          <Field
            id={`${id}-range`}
            label="VF range"
            error={rangeError}
            hint={`As in ${nic.label}#0-3: first and last VF index, inside the split.`}
          >
            <input
              id={`${id}-range`}
              name="range"
              value={range}
              onChange={(event) => {
                setRange(event.target.value);
                if (create.isError) create.reset();
              }}
              aria-invalid={rangeError ? true : undefined}
              aria-describedby={describedBy(`${id}-range`, rangeError, true)}
              required
            />
          </Field>
          <fieldset className="field">
            <legend>L2 networks</legend>
            {l2s.isPending ? (
              <p className="muted">Loading L2s…</p>
            ) : candidates.length === 0 ? (
              <p className="muted">No SR-IOV L2 uses {nic.label}: there is nothing to bind.</p>
            ) : (
              <Checks name="l2" items={candidates} ticked={l2Ids} onChange={setL2Ids} />
            )}
          </fieldset>
          <fieldset className="field">
            <legend>Projects (none ticked: every project)</legend>
            <Checks
              name="project"
              items={projects.data?.items ?? []}
              ticked={projectIds}
              onChange={setProjectIds}
            />
          </fieldset>
          {holders.length > 0 ? (
            <div className="banner banner-warn" role="alert" data-testid="vf-pool-holders">
              <strong>VMs outside this pool hold VFs of the range:</strong>
              <ul className="warning-list">
                {holders.map((h) => (
                  <li key={h.vfIndex}>
                    VF #{h.vfIndex}: VM {h.vm} on L3 {h.l3}
                  </li>
                ))}
              </ul>
            </div>
          ) : otherError ? (
            <ErrorBox error={otherError} />
          ) : null}
          <FormActions
            pending={create.isPending}
            submitLabel="Create pool"
            pendingLabel="Creating…"
            onCancel={onClose}
            cancelLabel="Close"
          />
        </Form>
      </div>
    </Dialog>
  );
}

/** A checkbox per item (an L2, a project), ticking ids in and out of `ticked`. */
function Checks({
  name,
  items,
  ticked,
  onChange,
}: {
  name: string;
  items: readonly { id: string; name: string }[];
  ticked: string[];
  onChange: (ids: string[]) => void;
}) {
  return items.map((item) => (
    <label key={item.id} className="check">
      <input
        type="checkbox"
        name={name}
        value={item.id}
        checked={ticked.includes(item.id)}
        onChange={() =>
          onChange(
            ticked.includes(item.id) ? ticked.filter((id) => id !== item.id) : [...ticked, item.id],
          )
        }
      />{" "}
      {item.name}
    </label>
  ));
}
