import { vfPortConformance } from "./conformance/vf-ports";
import { backendConformance } from "./conformance/suite";
import { simFactory } from "./conformance/factories";

backendConformance("sim", simFactory);
vfPortConformance("sim", simFactory);
