// Server only: the R1 answer for each L2 type, from core's pure helper, handed to the client forms
// so that "Enable SR-IOV" is greyed out with core's own reason before anything is submitted.
import { l2SriovToggleState, type ToggleState } from "@virtfn/core";
import type { L2Type } from "@virtfn/db";
import { l2Types } from "./shared";

export type L2Toggles = Record<L2Type, ToggleState>;

export function l2Toggles(): L2Toggles {
  return Object.fromEntries(l2Types.map((type) => [type, l2SriovToggleState(type)])) as L2Toggles;
}
