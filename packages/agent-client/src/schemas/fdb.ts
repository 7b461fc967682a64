import { z } from "zod";
import { IfName, MacAddress } from "./common";

export const FdbEntry = z.object({ pf: IfName, mac: MacAddress });
export type FdbEntry = z.infer<typeof FdbEntry>;
