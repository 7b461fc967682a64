import { HostDetailPage } from "./HostDetailPage";
import { requireRole } from "~/app/(console)/guard";

export default async function Page({ params }: PageProps<"/hosts/[id]">) {
  await requireRole("inventory.read");
  const { id } = await params;
  return <HostDetailPage hostId={id} />;
}
