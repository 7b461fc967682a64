import { backendConformance } from "./conformance/suite";
import { simFactory } from "./conformance/factories";

backendConformance("sim", simFactory);
