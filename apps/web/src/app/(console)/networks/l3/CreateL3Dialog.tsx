"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { L3Category } from "@virtfn/db";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { CheckboxField, describedBy, Field, numberOrUndefined } from "~/components/Field";
import { errorData, fieldErrorsByPath } from "~/lib/errors";
import { FormActions } from "~/components/ui/FormActions";
import { useTRPC } from "~/trpc/react";
import { l3Categories, segmentLabel, SriovBadge } from "../shared";
import { IpRangeRows, isBlankRange, newRange, rangeInput, type RangeDraft } from "./IpRangeFields";

interface FormState {
  l2Id: string;
  name: string;
  category: L3Category;
  ranges: RangeDraft[];
  gateway: string;
  prefixLength: string;
  dns: string;
  sriovEnabled: boolean;
}

const empty = (l2Id = ""): FormState => ({
  l2Id,
  name: "",
  category: "Flat",
  ranges: [newRange()],
  gateway: "",
  prefixLength: "",
  dns: "",
  sriovEnabled: false,
});

function domainFieldError(error: unknown): Record<string, string> {
  const data = errorData(error);
  const message = error instanceof Error ? error.message : "";
  switch (data.domainCode) {
    case "ALREADY_EXISTS":
      return { name: message };
    case "L2_SRIOV_DISABLED":
    case "SRIOV_NOT_ALLOWED_ON_VXLAN":
      return { sriovEnabled: message };
    case "GATEWAY_OUTSIDE_SUBNET":
    case "GATEWAY_IN_IP_RANGE":
      return { gateway: message };
    case "IP_RANGE_OVERLAP":
    case "IP_RANGE_OUTSIDE_SUBNET":
      return { ipRanges: message };
    case "NOT_FOUND":
      return data.details?.entity === "L2 network" ? { l2Id: message } : {};
    default:
      return {};
  }
}

export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

export function CreateL3Dialog({
  open,
  onClose,
  initialL2Id,
}: {
  open: boolean;
  onClose: () => void;
  initialL2Id?: string;
}) {
  const [form, setForm] = useState<FormState>(() => empty(initialL2Id));
  // Blank range rows are not sent; this maps the sent positions back to the rows, for errors.
  const [sentRows, setSentRows] = useState<number[]>([]);
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = useId();
  const l2s = useQuery({
    ...trpc.networks.l2.list.queryOptions({ limit: 200, sort: "name", order: "asc" }),
    enabled: open,
  });
  const create = useMutation(
    trpc.networks.l3.create.mutationOptions({
      onSuccess: (l3) => {
        void queryClient.invalidateQueries(trpc.networks.pathFilter());
        void queryClient.invalidateQueries(trpc.sriov.pathFilter());
        onClose();
        setForm(empty(initialL2Id));
        router.push(`/networks/l3/${l3.id}`);
      },
    }),
  );
  // The L2 this dialog was opened from, even if it is not among the first 200 by name.
  const initial = useQuery({
    ...trpc.networks.l2.get.queryOptions({ l2Id: initialL2Id ?? "" }),
    enabled: open && Boolean(initialL2Id),
  });
  const l2Options = [...(l2s.data?.items ?? [])];
  if (initial.data && !l2Options.some((item) => item.id === initial.data.id))
    l2Options.unshift(initial.data);
  const l2 = l2Options.find((item) => item.id === form.l2Id);
  const toggleReason = !form.l2Id
    ? "Pick an L2 network first."
    : !l2
      ? null
      : l2.l3SriovToggle.allowed
        ? null
        : l2.l3SriovToggle.reason;

  const close = () => {
    onClose();
    setForm(empty(initialL2Id));
    create.reset();
  };
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const errors: Record<string, string> = create.error
    ? {
        ...remapRanges(fieldErrorsByPath(create.error), sentRows),
        ...domainFieldError(create.error),
      }
    : {};
  const unplaced = create.error && Object.keys(errors).length === 0;
  const dnsError = Object.entries(errors).find(
    ([path]) => path === "dns" || path.startsWith("dns."),
  )?.[1];

  return (
    <Dialog open={open} onClose={close} title="Create L3 network" wide>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const sent = form.ranges.flatMap((range, index) => (isBlankRange(range) ? [] : [index]));
          setSentRows(sent);
          create.mutate({
            l2Id: form.l2Id,
            name: form.name,
            category: form.category,
            sriovEnabled: toggleReason === null && form.sriovEnabled,
            gateway: form.gateway.trim() || undefined,
            prefixLength: numberOrUndefined(form.prefixLength),
            dns: splitList(form.dns),
            ipRanges: sent.map((index) => rangeInput(form.ranges[index] ?? newRange())),
          });
        }}
      >
        <div className="dialog-content form-grid form-cols">
          <Field
            id={`${id}-l2Id`}
            label="L2 network"
            error={errors.l2Id}
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
          >
            <select
              id={`${id}-l2Id`}
              name="l2Id"
              value={form.l2Id}
              onChange={(event) => set("l2Id", event.target.value)}
              aria-invalid={errors.l2Id ? true : undefined}
              aria-describedby={describedBy(`${id}-l2Id`, errors.l2Id, true)}
              data-autofocus={initialL2Id ? undefined : ""}
            >
              <option value="">
                {l2s.isPending ? "Loading L2 networks…" : "Select an L2 network…"}
              </option>
              {l2Options.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name} — {segmentLabel(item)} · SR-IOV {item.sriovEnabled ? "on" : "off"}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-name`} label="Name" error={errors.name}>
            <input
              id={`${id}-name`}
              name="name"
              value={form.name}
              onChange={(event) => set("name", event.target.value)}
              autoComplete="off"
              placeholder="prod-net"
              data-autofocus={initialL2Id ? "" : undefined}
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy(`${id}-name`, errors.name)}
            />
          </Field>
          <Field id={`${id}-category`} label="Category" error={errors.category}>
            <select
              id={`${id}-category`}
              name="category"
              value={form.category}
              onChange={(event) => set("category", event.target.value as L3Category)}
            >
              {l3Categories.map((category) => (
                <option key={category} value={category}>
                  {category}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id={`${id}-gateway`}
            label="Gateway (optional)"
            error={errors.gateway}
            hint="Defaults to the first address of a CIDR range."
          >
            <input
              id={`${id}-gateway`}
              name="gateway"
              value={form.gateway}
              onChange={(event) => set("gateway", event.target.value)}
              autoComplete="off"
              spellCheck={false}
              inputMode="decimal"
              placeholder="10.0.0.1"
              aria-invalid={errors.gateway ? true : undefined}
              aria-describedby={describedBy(`${id}-gateway`, errors.gateway, true)}
            />
          </Field>
          <IpRangeRows
            idPrefix={`${id}-range`}
            ranges={form.ranges}
            onChange={(ranges) => set("ranges", ranges)}
            errors={errors}
            groupError={errors.ipRanges}
          />
          <Field
            id={`${id}-prefixLength`}
            label="Prefix length (optional)"
            error={errors.prefixLength}
            hint="Needed when the ranges are start–end addresses, e.g. 24 for a /24."
          >
            <input
              id={`${id}-prefixLength`}
              name="prefixLength"
              type="number"
              inputMode="numeric"
              min={1}
              max={32}
              value={form.prefixLength}
              onChange={(event) => set("prefixLength", event.target.value)}
              placeholder="24"
              aria-invalid={errors.prefixLength ? true : undefined}
              aria-describedby={describedBy(`${id}-prefixLength`, errors.prefixLength, true)}
            />
          </Field>
          <Field
            id={`${id}-dns`}
            label="DNS servers (optional)"
            error={dnsError}
            hint="Separate several with commas or spaces."
          >
            <input
              id={`${id}-dns`}
              name="dns"
              value={form.dns}
              onChange={(event) => set("dns", event.target.value)}
              autoComplete="off"
              spellCheck={false}
              placeholder="10.0.0.53, 1.1.1.1"
              aria-invalid={dnsError ? true : undefined}
              aria-describedby={describedBy(`${id}-dns`, dnsError, true)}
            />
          </Field>
          <div className="span-all">
            <CheckboxField
              id={`${id}-sriovEnabled`}
              name="sriovEnabled"
              label="Enable SR-IOV"
              checked={form.sriovEnabled}
              onChange={(checked) => set("sriovEnabled", checked)}
              disabledReason={toggleReason}
              hint="VM NICs on this network can then be VFs passed straight to the guest."
              error={errors.sriovEnabled}
            />
          </div>
        </div>
        <FormActions
          error={create.error}
          unplaced={Boolean(unplaced)}
          pending={create.isPending}
          submitLabel="Create L3 network"
          pendingLabel="Creating…"
          onCancel={close}
        />
      </form>
    </Dialog>
  );
}

function remapRanges(errors: Record<string, string>, sentRows: number[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([path, message]) => {
      const match = /^ipRanges\.(\d+)\.(.+)$/.exec(path);
      if (!match) return [path, message];
      return [`ipRanges.${sentRows[Number(match[1])] ?? match[1]}.${match[2]}`, message];
    }),
  );
}
