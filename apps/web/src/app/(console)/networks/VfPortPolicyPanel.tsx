"use client";

import { useId } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { Field } from "~/components/Field";
import { useCan } from "~/components/session";
import { useHydrated } from "~/components/useHydrated";

type Setting = boolean | null;

export interface VfPortPolicyChange {
  vfAllowTrust?: Setting;
  vfSpoofCheck?: Setting;
}

const onOff = (v: boolean, on: string, off: string) => (v ? on : off);

/**
 * The VF port policy of an L2 or an L3 (issue 16): whether tenants may ask for trusted VFs,
 * and spoof checking on VF NICs. An L3 may inherit its L2's (null); an L2 always has a value.
 * Admins change it; everyone else sees it. VF NICs on the network follow at once.
 */
export function VfPortPolicyPanel({
  network: { vfAllowTrust: allowTrust, vfSpoofCheck: spoofCheck },
  inherited,
  pending,
  error,
  onChange,
}: {
  /** The L2's or L3's own settings (null: as its L2). */
  network: { vfAllowTrust: Setting; vfSpoofCheck: Setting };
  /** For an L3: its L2's policy, which a null setting takes. */
  inherited?: { l2Name: string; allowTrust: boolean; spoofCheck: boolean };
  pending: boolean;
  error: unknown;
  onChange: (change: VfPortPolicyChange) => void;
}) {
  const canEdit = useCan("inventory.manage");
  const id = useId();
  const hydrated = useHydrated();
  const effectiveTrust = allowTrust ?? inherited?.allowTrust ?? false;
  const effectiveSpoof = spoofCheck ?? inherited?.spoofCheck ?? true;
  const inheritedLabel = (value: boolean, on: string, off: string) =>
    inherited ? `as L2 ${inherited.l2Name} (${onOff(value, on, off)})` : null;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="vf-port-policy">
      <h2 id={`${id}-heading`}>VF port policy</h2>
      <p className="muted small">
        Trusted VFs: {onOff(effectiveTrust, "tenants may ask for them", "not allowed")}. Spoof
        checking on VF NICs: {onOff(effectiveSpoof, "on", "off")}. Link state is each NIC
        owner&apos;s.
      </p>
      {canEdit ? (
        <div className="form-grid">
          <SettingSelect
            id={`${id}-trust`}
            label="Trusted VFs"
            testId="vf-policy-trust"
            value={allowTrust}
            labels={["allowed", "not allowed"]}
            inheritLabel={inheritedLabel(inherited?.allowTrust ?? false, "allowed", "not allowed")}
            disabled={pending || !hydrated}
            onChange={(vfAllowTrust) => onChange({ vfAllowTrust })}
          />
          <SettingSelect
            id={`${id}-spoof`}
            label="Spoof checking"
            testId="vf-policy-spoof"
            value={spoofCheck}
            labels={["on", "off"]}
            inheritLabel={inheritedLabel(inherited?.spoofCheck ?? false, "on", "off")}
            disabled={pending || !hydrated}
            onChange={(vfSpoofCheck) => onChange({ vfSpoofCheck })}
          />
        </div>
      ) : null}
      {error ? <ErrorBox title="Not changed." error={error} /> : null}
    </section>
  );
}

/** One setting: on, off, or (given an inherit label, on an L3) its L2's value. */
function SettingSelect({
  id,
  label,
  testId,
  value,
  labels: [on, off],
  inheritLabel,
  disabled,
  onChange,
}: {
  id: string;
  label: string;
  testId: string;
  value: Setting;
  labels: [on: string, off: string];
  inheritLabel: string | null;
  disabled: boolean;
  onChange: (value: Setting) => void;
}) {
  return (
    <Field id={id} label={label}>
      <select
        id={id}
        value={value === null ? "inherit" : value ? "on" : "off"}
        disabled={disabled}
        data-testid={testId}
        onChange={(event) =>
          onChange(event.target.value === "inherit" ? null : event.target.value === "on")
        }
      >
        {inheritLabel ? <option value="inherit">{inheritLabel}</option> : null}
        <option value="on">{on}</option>
        <option value="off">{off}</option>
      </select>
    </Field>
  );
}
