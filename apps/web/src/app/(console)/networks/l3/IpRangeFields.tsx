"use client";

import type { IpRangeInput } from "@virtfn/core";
import { Button } from "~/components/ui/Button";

export interface RangeDraft {
  key: number;
  mode: "cidr" | "bounds";
  cidr: string;
  startIp: string;
  endIp: string;
}

let nextKey = 1;
export function newRange(mode: RangeDraft["mode"] = "cidr"): RangeDraft {
  return { key: nextKey++, mode, cidr: "", startIp: "", endIp: "" };
}

export function rangeInput(range: RangeDraft): IpRangeInput {
  return range.mode === "cidr"
    ? { cidr: range.cidr.trim() }
    : { startIp: range.startIp.trim(), endIp: range.endIp.trim() };
}

export function isBlankRange(range: RangeDraft): boolean {
  return range.mode === "cidr"
    ? range.cidr.trim() === ""
    : range.startIp.trim() === "" && range.endIp.trim() === "";
}

/**
 * One IP range: a CIDR (its usable hosts) or a first and last address. `errors` are keyed by the
 * range's field ("cidr", "startIp", "endIp").
 */
export function IpRangeRow({
  idPrefix,
  index,
  range,
  onChange,
  onRemove,
  errors,
}: {
  idPrefix: string;
  index: number;
  range: RangeDraft;
  onChange: (range: RangeDraft) => void;
  onRemove?: (() => void) | undefined;
  errors: Partial<Record<"cidr" | "startIp" | "endIp", string>>;
}) {
  const label = `IP range ${index + 1}`;
  const id = `${idPrefix}-${range.key}`;
  const messages = [errors.cidr, errors.startIp, errors.endIp].filter(Boolean);
  const input = (field: "cidr" | "startIp" | "endIp", placeholder: string, aria: string) => (
    <input
      id={`${id}-${field}`}
      value={range[field]}
      onChange={(event) => onChange({ ...range, [field]: event.target.value })}
      placeholder={placeholder}
      aria-label={`${label} ${aria}`}
      autoComplete="off"
      spellCheck={false}
      inputMode="decimal"
      aria-invalid={errors[field] ? true : undefined}
      aria-describedby={messages.length ? `${id}-error` : undefined}
      className={errors[field] ? "input-invalid" : undefined}
    />
  );
  return (
    <div className="range-row" data-testid="ip-range-row">
      <select
        value={range.mode}
        aria-label={`${label} kind`}
        onChange={(event) => onChange({ ...range, mode: event.target.value as RangeDraft["mode"] })}
      >
        <option value="cidr">CIDR</option>
        <option value="bounds">Start–end</option>
      </select>
      {range.mode === "cidr" ? (
        input("cidr", "10.0.0.0/24", "CIDR")
      ) : (
        <>
          {input("startIp", "10.0.0.10", "start")}
          <span aria-hidden="true" className="range-dash">
            –
          </span>
          {input("endIp", "10.0.0.200", "end")}
        </>
      )}
      {onRemove ? (
        <Button size="sm" variant="ghost" onClick={onRemove} aria-label={`Remove ${label}`}>
          Remove
        </Button>
      ) : null}
      {messages.length ? (
        <p className="field-error range-error" id={`${id}-error`} role="alert">
          {messages.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** Several ranges, with add and remove. `errors` are by full path ("ipRanges.0.cidr"). */
export function IpRangeRows({
  idPrefix,
  ranges,
  onChange,
  errors,
  groupError,
}: {
  idPrefix: string;
  ranges: RangeDraft[];
  onChange: (ranges: RangeDraft[]) => void;
  errors: Record<string, string>;
  groupError?: string | undefined;
}) {
  return (
    <fieldset className={`field fieldset span-all ${groupError ? "field-invalid" : ""}`}>
      <legend>IP ranges</legend>
      {ranges.length === 0 ? (
        <p className="hint">No ranges: VMs on this network get no address from virtfn.</p>
      ) : null}
      {ranges.map((range, index) => (
        <IpRangeRow
          key={range.key}
          idPrefix={idPrefix}
          index={index}
          range={range}
          onChange={(next) => onChange(ranges.map((r) => (r.key === range.key ? next : r)))}
          onRemove={() => onChange(ranges.filter((r) => r.key !== range.key))}
          errors={{
            cidr: errors[`ipRanges.${index}.cidr`],
            startIp: errors[`ipRanges.${index}.startIp`],
            endIp: errors[`ipRanges.${index}.endIp`],
          }}
        />
      ))}
      <div>
        <Button
          size="sm"
          onClick={() => onChange([...ranges, newRange(ranges.at(-1)?.mode ?? "cidr")])}
        >
          + Add range
        </Button>
      </div>
      <p className="hint">
        A CIDR gives its usable addresses less the gateway; ranges must not overlap others on the
        same L2.
      </p>
      {groupError ? (
        <p className="field-error" role="alert">
          {groupError}
        </p>
      ) : null}
    </fieldset>
  );
}
