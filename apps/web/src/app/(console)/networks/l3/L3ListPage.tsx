"use client";

import { Link } from "~/components/ui/Link";
import { useCan } from "~/components/session";
import { createdColumn, nameColumn } from "~/components/ui/columns";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useServerListView } from "~/components/ui/useServerList";
import { useNow } from "~/components/useNow";
import type { ShownError } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import { withDataLayer } from "~/trpc/withDataLayer";
import { LIST_REFRESH_MS, l3List } from "../lists";
import { l3Categories, SriovBadge, sriovFilter } from "../shared";

// The form (and the data layer its queries need) loads when it is first opened.
const CreateL3Dialog = withDataLayer(() =>
  import("./CreateL3Dialog").then((m) => m.CreateL3Dialog),
);

type L3Page = RouterOutputs["networks"]["l3"]["list"];
type L3 = L3Page["items"][number];
type L3Sort = "name" | "category" | "createdAt";
const categoryOptions = l3Categories.map((c) => ({ value: c, label: c }));

export function L3ListPage({ data, error }: { data: L3Page | null; error: ShownError | null }) {
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  const l3s = useServerListView({ data, error }, LIST_REFRESH_MS, l3List);

  const columns: Column<L3, L3Sort>[] = [
    nameColumn({ name: (l3) => l3.name, href: (l3) => `/networks/l3/${l3.id}`, sort: "name" }),
    {
      key: "l2",
      header: "L2 network",
      cell: (l3) => (
        <>
          <Link href={`/networks/l2/${l3.l2.id}`}>{l3.l2.name}</Link>
          <div className="sub">
            <code>{l3.l2.physicalInterface}</code> · SR-IOV {l3.l2.sriovEnabled ? "on" : "off"}
          </div>
        </>
      ),
    },
    { key: "category", header: "Category", sort: "category", cell: (l3) => l3.category },
    { key: "sriov", header: "SR-IOV", cell: (l3) => <SriovBadge enabled={l3.sriovEnabled} /> },
    {
      key: "subnet",
      header: "Subnet",
      secondary: true,
      className: "nowrap",
      cell: (l3) =>
        l3.gateway ? `${l3.gateway}/${l3.prefixLength ?? "?"}` : <span className="muted">—</span>,
    },
    {
      key: "addresses",
      header: "Addresses",
      num: true,
      secondary: true,
      cell: (l3) => (
        <>
          {l3.ipRanges.reduce((sum, range) => sum + range.size, 0)}
          <div className="sub">
            {l3.ipRanges.length} range{l3.ipRanges.length === 1 ? "" : "s"}
          </div>
        </>
      ),
    },
    {
      key: "nics",
      header: "NICs",
      num: true,
      secondary: true,
      cell: (l3) => (
        <>
          {l3.nicCount}
          {l3.vfNicCount > 0 ? <div className="sub">{l3.vfNicCount} VF</div> : null}
        </>
      ),
    },
    createdColumn("createdAt", now),
  ];

  return (
    <ListPage
      title="L3 networks"
      subtitle="Subnets on an L2 network that VM NICs draw addresses from, and whether they hand out VFs."
      create={
        isAdmin
          ? {
              label: "Create L3 network",
              dialog: (close) => <CreateL3Dialog onClose={close} />,
            }
          : null
      }
      {...l3s}
      columns={columns}
      rowTestId="l3-row"
      noun="L3 networks"
      search={{ label: "Search L3 networks", placeholder: "Search by name…" }}
      filters={[
        {
          key: "category",
          label: "Category",
          allLabel: "All categories",
          options: categoryOptions,
        },
        sriovFilter,
      ]}
      empty={{
        about: "An L3 network is a subnet with IP ranges on an L2 network; VM NICs pick one.",
        othersNote: "An admin has not defined any L3 networks.",
      }}
    />
  );
}
