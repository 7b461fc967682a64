"use client";

import { useQuery } from "@tanstack/react-query";
import { createL3Input } from "@virtfn/core/schemas";
import type { L3Category } from "@virtfn/db";
import { useWatch } from "react-hook-form";
import { z } from "zod";
import { FormDialog } from "~/components/ui/FormDialog";
import { CheckField, NumberField, SelectField, TextField } from "~/components/ui/FormFields";
import type { RouterInputs } from "~/trpc/outputs";
import { useTRPC } from "~/trpc/react";
import { useNetworkCreate } from "../useNetworkCreated";
import { l3Categories, segmentLabel, SriovBadge } from "../shared";
import {
  blankRange,
  IpRangesField,
  isBlankRange,
  rangeInput,
  type RangeText,
} from "./IpRangeFields";
import { domainFields } from "~/lib/server-field-errors";

/** What the form holds: DNS servers as typed, ranges with their kind. */
interface L3Form {
  l2Id: string;
  name: string;
  category: L3Category;
  gateway: string;
  prefixLength: number | undefined;
  dns: string;
  ipRanges: RangeText[];
  sriovEnabled: boolean;
}

function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * The server's schema on what the form holds. Blank rows at the end (the one the form starts
 * with) are not sent; the rows before keep their places, so "ipRanges.1.cidr" is still row 2.
 */
const l3FormSchema = z
  .custom<L3Form>()
  .transform((form): z.input<typeof createL3Input> => {
    const ranges = [...form.ipRanges];
    while (ranges.length > 0 && isBlankRange(ranges[ranges.length - 1] ?? blankRange())) {
      ranges.pop();
    }
    return {
      ...form,
      gateway: form.gateway.trim() || undefined,
      dns: splitList(form.dns),
      ipRanges: ranges.map(rangeInput),
    };
  })
  .pipe(createL3Input);

/** Domain errors that belong to one field without naming it. */
const l3Field = domainFields(
  {
    L2_SRIOV_DISABLED: "sriovEnabled",
    SRIOV_NOT_ALLOWED_ON_VXLAN: "sriovEnabled",
    GATEWAY_OUTSIDE_SUBNET: "gateway",
    GATEWAY_IN_IP_RANGE: "gateway",
    IP_RANGE_OVERLAP: "ipRanges",
    IP_RANGE_OUTSIDE_SUBNET: "ipRanges",
  },
  { "L2 network": "l2Id" },
);

export function CreateL3Dialog({
  onClose,
  initialL2Id,
}: {
  onClose: () => void;
  initialL2Id?: string;
}) {
  const create = useNetworkCreate("l3", (api, input: RouterInputs["networks"]["l3"]["create"]) =>
    api.networks.l3.create.mutate(input),
  );
  return (
    <FormDialog
      onClose={onClose}
      title="Create L3 network"
      wide
      columns
      schema={l3FormSchema}
      defaultValues={{
        l2Id: initialL2Id ?? "",
        name: "",
        category: "Flat",
        gateway: "",
        prefixLength: undefined,
        dns: "",
        ipRanges: [blankRange()],
        sriovEnabled: false,
      }}
      pendingLabel="Creating…"
      domainField={l3Field}
      onSubmit={(values) => create.mutateAsync(values)}
    >
      <L3Fields initialL2Id={initialL2Id} />
    </FormDialog>
  );
}

function L3Fields({ initialL2Id }: { initialL2Id: string | undefined }) {
  const trpc = useTRPC();
  const l2s = useQuery(
    trpc.networks.l2.list.queryOptions({ limit: 200, sort: "name", order: "asc" }),
  );
  // The L2 this dialog was opened from, even if it is not among the first 200 by name.
  const initial = useQuery({
    ...trpc.networks.l2.get.queryOptions({ l2Id: initialL2Id ?? "" }),
    enabled: Boolean(initialL2Id),
  });
  const l2Id = useWatch<L3Form, "l2Id">({ name: "l2Id" });
  const l2Options = [...(l2s.data?.items ?? [])];
  if (initial.data && !l2Options.some((item) => item.id === initial.data.id))
    l2Options.unshift(initial.data);
  const l2 = l2Options.find((item) => item.id === l2Id);
  const toggleReason = !l2Id
    ? "Pick an L2 network first."
    : !l2
      ? null
      : l2.l3SriovToggle.allowed
        ? null
        : l2.l3SriovToggle.reason;

  return (
    <>
      <SelectField
        name="l2Id"
        label="L2 network"
        autoFocus={!initialL2Id}
        hint={
          l2 ? (
            <span data-testid="l3-form-l2-state">
              {segmentLabel(l2)} on <code>{l2.physicalInterface}</code> ·{" "}
              <SriovBadge enabled={l2.sriovEnabled} />
            </span>
          ) : l2s.isSuccess && l2s.data.items.length === 0 ? (
            <>
              No L2 network yet. <a href="/networks/l2">Create one</a> first.
            </>
          ) : undefined
        }
        options={[
          {
            value: "",
            label: l2s.isPending ? "Loading L2 networks…" : "Select an L2 network…",
          },
          ...l2Options.map((item) => ({
            value: item.id,
            label: `${item.name} — ${segmentLabel(item)} · SR-IOV ${item.sriovEnabled ? "on" : "off"}`,
          })),
        ]}
      />
      <TextField name="name" label="Name" placeholder="prod-net" autoFocus={Boolean(initialL2Id)} />
      <SelectField
        name="category"
        label="Category"
        options={l3Categories.map((category) => ({ value: category, label: category }))}
      />
      <TextField
        name="gateway"
        label="Gateway (optional)"
        code
        placeholder="10.0.0.1"
        hint="Defaults to the first address of a CIDR range."
      />
      <IpRangesField />
      <NumberField
        name="prefixLength"
        label="Prefix length (optional)"
        min={1}
        max={32}
        placeholder="24"
        hint="Needed when the ranges are start–end addresses, e.g. 24 for a /24."
      />
      <TextField
        name="dns"
        label="DNS servers (optional)"
        code
        placeholder="10.0.0.53, 1.1.1.1"
        hint="Separate several with commas or spaces."
      />
      <div className="span-all">
        <CheckField
          name="sriovEnabled"
          label="Enable SR-IOV"
          disabledReason={toggleReason}
          hint="VM NICs on this network can then be VFs passed straight to the guest."
        />
      </div>
    </>
  );
}
