"use client";

import { useId } from "react";
import { get, useFieldArray, useFormContext, useFormState, useWatch } from "react-hook-form";
import { Button } from "~/components/ui/Button";
import { useFieldError } from "~/components/ui/FormFields";
import { blankRange, RangeRowView, type RangeRowWiring, type RangeText } from "./IpRangeRow";

export {
  blankRange,
  IpRangeRow,
  isBlankRange,
  newRange,
  rangeInput,
  type RangeDraft,
  type RangeText,
} from "./IpRangeRow";

/** The form in context's `ipRanges` row at `index`, with its errors. */
function IpRangeFieldRow({
  id,
  index,
  onRemove,
}: {
  id: string;
  index: number;
  onRemove: () => void;
}) {
  const { register } = useFormContext<{ ipRanges: RangeText[] }>();
  const mode = useWatch<{ ipRanges: RangeText[] }, `ipRanges.${number}.mode`>({
    name: `ipRanges.${index}.mode`,
  });
  const errors = {
    cidr: useFieldError(`ipRanges.${index}.cidr`),
    startIp: useFieldError(`ipRanges.${index}.startIp`),
    endIp: useFieldError(`ipRanges.${index}.endIp`),
  };
  const wiring: RangeRowWiring = {
    mode,
    select: register(`ipRanges.${index}.mode`),
    input: (field) => register(`ipRanges.${index}.${field}`),
  };
  return <RangeRowView id={id} index={index} wiring={wiring} onRemove={onRemove} errors={errors} />;
}

/**
 * The form's `ipRanges` (RangeText rows), with add and remove. A message for the whole list (an
 * overlap core found) shows under it.
 */
export function IpRangesField() {
  const id = useId();
  const { control } = useFormContext<{ ipRanges: RangeText[] }>();
  const { fields, append, remove } = useFieldArray({ control, name: "ipRanges" });
  const { errors } = useFormState({ control, name: "ipRanges" });
  const node = get(errors, "ipRanges") as
    { message?: string; root?: { message?: string } } | undefined;
  const groupError = node?.message ?? node?.root?.message;
  const lastMode = useWatch({ control, name: "ipRanges" }).at(-1)?.mode ?? "cidr";
  return (
    <fieldset className={`field fieldset span-all ${groupError ? "field-invalid" : ""}`}>
      <legend>IP ranges</legend>
      {fields.length === 0 ? (
        <p className="hint">No ranges: VMs on this network get no address from virtfn.</p>
      ) : null}
      {fields.map((field, index) => (
        <IpRangeFieldRow
          key={field.id}
          id={`${id}-${field.id}`}
          index={index}
          onRemove={() => remove(index)}
        />
      ))}
      <div>
        <Button size="sm" onClick={() => append(blankRange(lastMode))}>
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
