"use client";

import { useId } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { Field } from "~/components/Field";

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
  allowTrust,
  spoofCheck,
  inherited,
  canEdit,
  pending,
  error,
  onChange,
}: {
  allowTrust: Setting;
  spoofCheck: Setting;
  /** For an L3: its L2's policy, which a null setting takes. */
  inherited?: { l2Name: string; allowTrust: boolean; spoofCheck: boolean };
  canEdit: boolean;
  pending: boolean;
  error: unknown;
  onChange: (change: VfPortPolicyChange) => void;
}) {
  const id = useId();
  const effectiveTrust = allowTrust ?? inherited?.allowTrust ?? false;
  const effectiveSpoof = spoofCheck ?? inherited?.spoofCheck ?? true;
  const options = (on: string, off: string, inheritedValue: boolean | undefined) => (
    <>
      {inherited ? (
        <option value="inherit">
          as L2 {inherited.l2Name} ({onOff(inheritedValue ?? false, on, off)})
        </option>
      ) : null}
      <option value="on">{on}</option>
      <option value="off">{off}</option>
    </>
  );
  const valueOf = (v: Setting) => (v === null ? "inherit" : v ? "on" : "off");
  const parse = (v: string): Setting => (v === "inherit" ? null : v === "on");
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
          <Field id={`${id}-trust`} label="Trusted VFs">
            <select
              id={`${id}-trust`}
              value={valueOf(allowTrust)}
              disabled={pending}
              data-testid="vf-policy-trust"
              onChange={(event) => onChange({ vfAllowTrust: parse(event.target.value) })}
            >
              {options("allowed", "not allowed", inherited?.allowTrust)}
            </select>
          </Field>
          <Field id={`${id}-spoof`} label="Spoof checking">
            <select
              id={`${id}-spoof`}
              value={valueOf(spoofCheck)}
              disabled={pending}
              data-testid="vf-policy-spoof"
              onChange={(event) => onChange({ vfSpoofCheck: parse(event.target.value) })}
            >
              {options("on", "off", inherited?.spoofCheck)}
            </select>
          </Field>
        </div>
      ) : null}
      {error ? <ErrorBox title="Not changed." error={error} /> : null}
    </section>
  );
}
