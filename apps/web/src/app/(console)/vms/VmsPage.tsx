"use client";

import { useCan } from "~/components/session";
import { ButtonLink } from "~/components/ui/Button";
import { createdColumn, nameColumn } from "~/components/ui/columns";
import { ListView, type Column } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useServerListView } from "~/components/ui/useServerList";
import { useNow } from "~/components/useNow";
import type { ShownError } from "~/lib/errors";
import { nicSummary } from "~/lib/format";
import type { RouterOutputs } from "~/trpc/outputs";
import { vmsList } from "./vms-list";
import { isTransitional, vmStates, VmStateBadge } from "./vmState";

type VmPage = RouterOutputs["vms"]["list"];
type Vm = VmPage["items"][number];
type VmSort = (typeof vmsList.sorts)[number];

/** VMs in a transition change soon: follow them; otherwise refresh now and then. */
const TRANSITION_MS = 1500;
const IDLE_MS = 15_000;

const stateOptions = vmStates.map((s) => ({ value: s, label: s }));

export function VmsPage({
  projectIds,
  canCreate,
  data,
  error,
}: {
  projectIds: string[];
  /** The user may change VMs and sees a project to create one in. */
  canCreate: boolean;
  data: VmPage | null;
  error: ShownError | null;
}) {
  const now = useNow();
  // core shows those who read the inventory every project's VMs; others their projects' VMs.
  const seesAllProjects = useCan("inventory.read");
  const mayManage = useCan("vms.manage");
  const transitioning = data?.items.some((vm) => isTransitional(vm.state)) ?? false;
  const vms = useServerListView({ data, error }, transitioning ? TRANSITION_MS : IDLE_MS, vmsList);

  const showProject = seesAllProjects || projectIds.length > 1;
  const columns: Column<Vm, VmSort>[] = [
    nameColumn({
      name: (vm) => vm.name,
      href: (vm) => `/vms/${vm.id}`,
      narrowSub: (vm) => `${vm.hostName ?? "no host"} · ${nicSummary(vm.nicCount, vm.vfNicCount)}`,
      sort: "name",
    }),
    {
      key: "state",
      header: "State",
      sort: "state",
      cell: (vm) => <VmStateBadge state={vm.state} />,
    },
    {
      key: "host",
      header: "Host",
      secondary: true,
      cell: (vm) => vm.hostName ?? <span className="muted">—</span>,
    },
    {
      key: "nics",
      header: "NICs",
      className: "nowrap",
      secondary: true,
      cell: (vm) => <span data-testid="vm-nics">{nicSummary(vm.nicCount, vm.vfNicCount)}</span>,
    },
    {
      key: "ips",
      header: "IPs",
      cell: (vm) => (
        <div data-testid="vm-ips">
          {vm.ips.length === 0 ? <span className="muted">—</span> : null}
          {vm.ips.map((ip) => (
            <div key={ip}>
              <code>{ip}</code>
            </div>
          ))}
        </div>
      ),
    },
    {
      key: "offering",
      header: "Offering",
      secondary: true,
      cell: (vm) => (
        <>
          {vm.offering.name}
          <div className="sub">{vm.image.name}</div>
        </>
      ),
    },
    ...(showProject
      ? [{ key: "project", header: "Project", secondary: true, cell: (vm: Vm) => vm.projectName }]
      : []),
    createdColumn<Vm, VmSort>("createdAt", now),
  ];

  return (
    <>
      <PageHeader
        title="Virtual machines"
        subtitle={
          seesAllProjects
            ? "VMs of every project."
            : projectIds.length === 1
              ? "Your project's VMs and their NICs."
              : `VMs in your ${projectIds.length} projects.`
        }
        actions={
          canCreate ? (
            <ButtonLink variant="primary" href="/vms/new">
              Create VM
            </ButtonLink>
          ) : null
        }
      />
      <ListView
        {...vms}
        columns={columns}
        rowTestId="vm-row"
        rowData={(vm) => ({ "data-vm": vm.name })}
        noun="VMs"
        className="vms-table"
        search={{ label: "Search VMs", placeholder: "Search by name…" }}
        filters={[{ key: "state", label: "State", allLabel: "All states", options: stateOptions }]}
        empty={
          <>
            <p>
              <strong>No VMs yet.</strong>
            </p>
            {canCreate ? (
              <p>
                Create a VM, pick its L3 networks and tick “Enable SR-IOV” on a NIC to give the
                guest a VF.{" "}
                <ButtonLink variant="primary" size="sm" href="/vms/new">
                  Create VM
                </ButtonLink>
              </p>
            ) : mayManage && !seesAllProjects ? (
              <p>You are not a member of any project yet; ask an admin to add you to one.</p>
            ) : (
              <p>No project has created a VM.</p>
            )}
          </>
        }
      />
    </>
  );
}
