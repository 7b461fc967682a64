import type { OperationView } from "@virtfn/core";
import { requireRole } from "~/app/(console)/guard";
import { serverApi, settle } from "~/trpc/server";
import { HostDetailPage } from "./HostDetailPage";

// Rendered on the server: the host, its operations and PCI devices are in the first paint and the
// page loads no data layer; HostDetailPage refreshes it while it is open.
export default async function Page({ params }: PageProps<"/hosts/[id]">) {
  await requireRole("inventory.read");
  const { id: hostId } = await params;
  const api = await serverApi();
  const latestOps = (targetId: string, limit: number) => {
    const input = { targetId, limit, sort: "createdAt", order: "desc" } as const;
    return settle("operations.list", input, () => api.operations.list(input));
  };
  const [host, ops, devices] = await Promise.all([
    settle("hosts.get", { hostId }, () => api.hosts.get({ hostId })),
    latestOps(hostId, 10),
    settle("passthru.hostDevices", { hostId }, () => api.passthru.hostDevices({ hostId })),
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
  return <HostDetailPage hostId={hostId} host={host} ops={ops} pfOps={pfOps} devices={devices} />;
}
