import { Breadcrumb } from "~/components/ui/Breadcrumb";
import { requireRole } from "../../guard";
import { CreateVmForm } from "./CreateVmForm";

export const metadata = { title: "Create VM · virtfn" };

// The header is rendered on the server; the form loads after it with its own option lists.
export default async function Page() {
  // Auditors read only; core refuses them too.
  await requireRole("vms.manage");
  return (
    <>
      <Breadcrumb parent="VMs" href="/vms" name="Create VM" />
      <div className="page-header">
        <div>
          <h1>Create VM</h1>
          <p className="subtitle">
            Pick an offering, an image and one or more L3 networks. “Enable SR-IOV” gives a NIC a VF
            passed straight to the guest.
          </p>
        </div>
      </div>
      <CreateVmForm />
    </>
  );
}
