import { can } from "@virtfn/core/can";
import type { OperationView } from "@virtfn/core";
import { requireRole } from "~/app/(console)/guard";
import { settle } from "~/trpc/server";
import { LastShown } from "~/components/detail/LastShown";
import { LiveRefresh } from "~/components/LiveRefresh";
import { HOSTS, HostView, refreshMs } from "./HostDetailPage";

// Rendered on the server: the host, its operations and PCI devices are in the first paint and the
// page loads no data layer; LiveRefresh renders it again while it is open, and a refresh that
// fails keeps the host shown.
export default async function Page({ params }: PageProps<"/hosts/[id]">) {
  const user = await requireRole("inventory.read");
  const { id: hostId } = await params;
  const latestOps = (targetId: string, limit: number) => {
    const input = { targetId, limit, sort: "createdAt", order: "desc" } as const;
    return settle("operations.list", input, (api) => api.operations.list(input));
  };
  const [host, ops, devices] = await Promise.all([
    settle("hosts.get", { hostId }, (api) => api.hosts.get({ hostId })),
    latestOps(hostId, 10),
    settle("passthru.hostDevices", { hostId }, (api) => api.passthru.hostDevices({ hostId })),
  ]);
  // Split and restore target the PF, not the host: each PF's latest operations too (a PF whose
  // read fails shows none; the host's own list says when operations cannot be read).
  const pfIds =
    host.data?.nics
      .filter((nic) => nic.virtualizationState !== "NotVirtualizable")
      .map((nic) => nic.id) ?? [];
  const pfOps: OperationView[] = (await Promise.all(pfIds.map((id) => latestOps(id, 5)))).flatMap(
    (settled) => settled.data?.items ?? [],
  );
  return (
    <>
      <LiveRefresh ms={refreshMs(host.data, ops, pfOps)} />
      <LastShown
        itemKey={hostId}
        view={
          host.data ? (
            <HostView
              host={host.data}
              ops={ops}
              pfOps={pfOps}
              devices={devices}
              isAdmin={can(user, "inventory.manage")}
            />
          ) : null
        }
        error={host.error}
        noun="host"
        list={HOSTS}
      />
    </>
  );
}
