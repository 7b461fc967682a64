import { can } from "@virtfn/core/can";
import { requireRole } from "~/app/(console)/guard";
import { LastShown } from "~/components/detail/LastShown";
import { LiveRefresh } from "~/components/LiveRefresh";
import { settle } from "~/trpc/server";
import { followMs, VmView, VMS } from "./VmDetailPage";

export const metadata = { title: "VM · virtfn" };

/** Everything the VM page paints first, read on the server in parallel (each read may fail alone). */
async function readVmPage(vmId: string) {
  const opsInput = { targetId: vmId, limit: 10, sort: "createdAt", order: "desc" } as const;
  const vmRead = settle("vms.get", { vmId }, (api) => api.vms.get({ vmId }));
  // The traffic panel's counters need the VM's VF NICs: read once the VM is there.
  const countersRead = vmRead.then(({ data }) =>
    Promise.all(
      (data?.nics ?? [])
        .filter((nic) => nic.type === "VF")
        .map(async (nic) => {
          const input = { nicId: nic.id };
          return [
            nic.id,
            await settle("vms.nicCounters", input, (api) => api.vms.nicCounters(input)),
          ] as const;
        }),
    ),
  );
  const [vm, operations, migration, pciDevices, counters] = await Promise.all([
    vmRead,
    settle("operations.list", opsInput, (api) => api.operations.list(opsInput)),
    settle("vms.migrationProgress", { vmId }, (api) => api.vms.migrationProgress({ vmId })),
    settle("passthru.vmDevices", { vmId }, (api) => api.passthru.vmDevices({ vmId })),
    countersRead,
  ]);
  return { vm, operations, migration, pciDevices, counters: Object.fromEntries(counters) };
}

export type VmPageData = Awaited<ReturnType<typeof readVmPage>>;

// Rendered on the server: the VM and its panels are in the first paint and the page loads no data
// layer. LiveRefresh renders it again (closely while an operation runs); dialogs that read option
// lists bring the data layer when they open. A refresh that fails keeps the VM shown.
export default async function Page({ params }: PageProps<"/vms/[id]">) {
  const user = await requireRole();
  const { id } = await params;
  const data = await readVmPage(id);
  const vm = data.vm.data;
  return (
    <>
      <LiveRefresh ms={followMs(vm, data)} />
      <LastShown
        itemKey={id}
        view={
          vm ? (
            <VmView
              vm={vm}
              readOnly={!can(user, "vms.manage")}
              isAdmin={can(user, "inventory.manage")}
              data={data}
            />
          ) : null
        }
        error={data.vm.error}
        noun="VM"
        list={VMS}
      />
    </>
  );
}
