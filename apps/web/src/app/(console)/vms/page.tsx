import Link from "next/link";
import { requireRole } from "../guard";

export const metadata = { title: "VMs · virtfn" };

export default async function VmsPage() {
  const user = await requireRole();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Virtual machines</h1>
          <p className="subtitle">
            {user.projectIds.length === 1 ? "Your project's VMs." : `VMs in your ${user.projectIds.length} projects.`}
          </p>
        </div>
        <button type="button" className="btn btn-primary" disabled title="Create VM — coming soon">
          Create VM <span className="why">— coming soon</span>
        </button>
      </div>
      <div className="empty">
        <p>
          <strong>VMs are coming soon.</strong>
        </p>
        <p>
          You will create VMs here, pick L3 networks and enable SR-IOV per NIC. Meanwhile, follow your requests on the{" "}
          <Link href="/operations">Operations</Link> page.
        </p>
      </div>
    </>
  );
}
