"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useCan } from "~/components/session";
import { createdColumn, nameColumn } from "~/components/ui/columns";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { listInput, useListParams } from "~/components/ui/useListParams";
import { useNow } from "~/components/useNow";
import { useTRPC } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/outputs";
import { l3Categories, SriovBadge, sriovFilter, sriovFromFilter } from "../shared";

// The form loads when it is first opened: it is most of this page's code.
const CreateL3Dialog = dynamic(() => import("./CreateL3Dialog").then((m) => m.CreateL3Dialog));

type L3 = RouterOutputs["networks"]["l3"]["list"]["items"][number];
type L3Sort = "name" | "category" | "createdAt";
const categoryOptions = l3Categories.map((c) => ({ value: c, label: c }));

export function L3ListPage() {
  const trpc = useTRPC();
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  const list = useListParams({
    sorts: ["name", "category", "createdAt"] as const,
    defaultSort: "name",
    filters: ["category", "sriov"] as const,
  });
  const l3s = useQuery({
    ...trpc.networks.l3.list.queryOptions({
      ...listInput(list),
      category: l3Categories.find((c) => c === list.filters.category),
      sriovEnabled: sriovFromFilter(list.filters.sriov),
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

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
              dialog: (close) => <CreateL3Dialog open onClose={close} />,
            }
          : null
      }
      list={list}
      query={l3s}
      columns={columns}
      rowKey={(l3) => l3.id}
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
