"use client";

// The plain, controlled range row and its helpers, without react-hook-form: the L3 page's "Add a
// range" row needs only these, and a page that imports react-hook-form pays ~15 kB gzipped on
// first load (apps/web/test/first-paint-imports.test.ts).
import type { IpRangeInput } from "@virtfn/core";
import type { ComponentPropsWithRef } from "react";
import { Button } from "~/components/ui/Button";

export type RangeField = "cidr" | "startIp" | "endIp";

/** A range as typed: a CIDR or a first and last address, by its `mode`. */
export interface RangeText {
  mode: "cidr" | "bounds";
  cidr: string;
  startIp: string;
  endIp: string;
}

export interface RangeDraft extends RangeText {
  key: number;
}

let nextKey = 1;
export function newRange(mode: RangeDraft["mode"] = "cidr"): RangeDraft {
  return { key: nextKey++, ...blankRange(mode) };
}

export function blankRange(mode: RangeText["mode"] = "cidr"): RangeText {
  return { mode, cidr: "", startIp: "", endIp: "" };
}

export function rangeInput(range: RangeText): IpRangeInput {
  return range.mode === "cidr"
    ? { cidr: range.cidr.trim() }
    : { startIp: range.startIp.trim(), endIp: range.endIp.trim() };
}

export function isBlankRange(range: RangeText): boolean {
  return range.mode === "cidr"
    ? range.cidr.trim() === ""
    : range.startIp.trim() === "" && range.endIp.trim() === "";
}

/** How one row's kind select and inputs are wired: as controlled inputs, or registered in a form. */
export interface RangeRowWiring {
  mode: RangeText["mode"];
  select: ComponentPropsWithRef<"select">;
  input: (field: RangeField) => ComponentPropsWithRef<"input">;
}

/** One IP range's look: the kind, then a CIDR or a first and last address, then its errors. */
export function RangeRowView({
  id,
  index,
  wiring,
  onRemove,
  errors,
}: {
  id: string;
  index: number;
  wiring: RangeRowWiring;
  onRemove?: (() => void) | undefined;
  errors: Partial<Record<RangeField, string>>;
}) {
  const label = `IP range ${index + 1}`;
  const messages = [errors.cidr, errors.startIp, errors.endIp].filter(Boolean);
  const input = (field: RangeField, placeholder: string, aria: string) => (
    <input
      {...wiring.input(field)}
      id={`${id}-${field}`}
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
      <select {...wiring.select} aria-label={`${label} kind`}>
        <option value="cidr">CIDR</option>
        <option value="bounds">Start–end</option>
      </select>
      {wiring.mode === "cidr" ? (
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

/** One IP range held by its owner (the L3 page's "Add a range"). */
export function IpRangeRow({
  idPrefix,
  index,
  range,
  onChange,
  errors,
}: {
  idPrefix: string;
  index: number;
  range: RangeDraft;
  onChange: (range: RangeDraft) => void;
  errors: Partial<Record<RangeField, string>>;
}) {
  const wiring: RangeRowWiring = {
    mode: range.mode,
    select: {
      value: range.mode,
      onChange: (event) => onChange({ ...range, mode: event.target.value as RangeText["mode"] }),
    },
    input: (field) => ({
      value: range[field],
      onChange: (event) => onChange({ ...range, [field]: event.target.value }),
    }),
  };
  return (
    <RangeRowView id={`${idPrefix}-${range.key}`} index={index} wiring={wiring} errors={errors} />
  );
}
