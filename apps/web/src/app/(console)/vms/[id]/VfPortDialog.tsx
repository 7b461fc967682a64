"use client";

import type { VmNicView } from "@virtfn/core";
import { useId, useState } from "react";
import { CheckboxField, Field } from "~/components/Field";
import { dateTime, relativeTime } from "~/lib/format";
import type { RouterInputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import type { NicDialogProps } from "./nicDialog";
import { onOff } from "./VfPortSummary";
import { Table } from "~/components/ui/Table";
import { DialogForm } from "~/components/ui/DialogForm";

type LinkState = "auto" | "enable" | "disable";

const linkStateLabels: Record<LinkState, string> = {
  auto: "auto (follows the PF's link)",
  enable: "enable (always up)",
  disable: "disable (always down)",
};

type PortSettingName = NonNullable<VmNicView["vfPort"]>["drift"][number];

const settingLabels: Array<[PortSettingName, string]> = [
  ["linkState", "Link state"],
  ["trust", "Trust"],
  ["spoofCheck", "Spoof checking"],
  ["queryRss", "query_rss"],
];

const shown = (value: boolean | string | null) =>
  value === null ? "not reported by the driver" : typeof value === "string" ? value : onOff(value);

/**
 * Desired against observed, per setting, with core's drift (vfPortView): what the dialog's form
 * asks for is what the host agent then keeps, and a drift says the reconciler has work left.
 */
function VfPortStateTable({ port }: { port: NonNullable<VmNicView["vfPort"]> }) {
  const { desired, observed, drift } = port;
  return (
    <div data-testid="vf-port-state">
      <p className="hint" data-testid="vf-port-state-read">
        {observed
          ? `Read back by the host agent ${relativeTime(observed.at)} (${dateTime(observed.at)}).`
          : "Not read back from the host yet: the observed column fills in after the next sync."}
      </p>
      <Table
        head={
          <>
            <th>Setting</th>
            <th>Desired</th>
            <th>Observed</th>
          </>
        }
      >
        {settingLabels.map(([setting, label]) => {
          const drifted = drift.includes(setting);
          return (
            <tr key={setting} data-setting={setting} data-drift={drifted ? "yes" : "no"}>
              <td>{label}</td>
              <td>{shown(desired[setting])}</td>
              <td style={drifted ? { color: "var(--warn)" } : undefined}>
                {observed ? shown(observed.port[setting]) : "—"}
                {drifted ? " · drift (the reconciler repairs it)" : ""}
              </td>
            </tr>
          );
        })}
      </Table>
    </div>
  );
}

/**
 * Link state and query_rss are the NIC owner's; trust only where the network allows it;
 * spoof checking is shown, greyed out with the policy that sets it.
 */
export function VfPortDialog({ nic, onClose }: NicDialogProps) {
  const id = useId();
  const port = nic.vfPort;
  const [linkState, setLinkState] = useState<LinkState>(port?.requested.linkState ?? "auto");
  const [trust, setTrust] = useState(port?.requested.trust ?? false);
  const [queryRss, setQueryRss] = useState(port?.requested.queryRss ?? false);
  const save = useAction(
    (api, input: RouterInputs["vms"]["setNicVfPort"]) => api.vms.setNicVfPort.mutate(input),
    {
      onSuccess: onClose,
    },
  );
  if (!port) return null;
  const trustReason = port.verdicts.trust.allowed ? null : port.verdicts.trust.reason;
  return (
    <DialogForm
      title={`VF port of ${nic.name}`}
      onClose={onClose}
      onSubmit={() => {
        save.mutate({
          nicId: nic.id,
          linkState,
          queryRss,
          // Unchanged trust is not sent, so a network that stopped allowing it does not refuse.
          ...(trust !== port.requested.trust ? { trust } : {}),
        });
      }}
      grid
      testId="vf-port-form"
      error={save.error}
      pending={save.isPending}
      submitLabel="Save"
    >
      <p className="hint">
        Kept on the VF by the host agent and re-applied after a host reboot. No rate limits: VF NICs
        have no QoS.
      </p>
      <VfPortStateTable port={port} />
      <Field id={`${id}-link`} label="Link state">
        <select
          id={`${id}-link`}
          value={linkState}
          data-testid="vf-port-link-state"
          onChange={(event) => setLinkState(event.target.value as LinkState)}
        >
          {(Object.keys(linkStateLabels) as LinkState[]).map((state) => (
            <option key={state} value={state}>
              {linkStateLabels[state]}
            </option>
          ))}
        </select>
      </Field>
      <CheckboxField
        id={`${id}-trust`}
        label="Trusted (promiscuous and multicast filters, MAC changes in the guest)"
        checked={trust}
        onChange={setTrust}
        disabledReason={trustReason}
      />
      <CheckboxField
        id={`${id}-rss`}
        label="query_rss (guest may read the RSS key; where the driver supports it)"
        checked={queryRss}
        onChange={setQueryRss}
      />
      <CheckboxField
        id={`${id}-spoof`}
        label={`Spoof checking ${port.desired.spoofCheck ? "on" : "off"}`}
        checked={port.desired.spoofCheck}
        onChange={() => undefined}
        disabledReason={port.verdicts.spoofCheck.reason}
      />
    </DialogForm>
  );
}
