import { backendConformance } from "./conformance/suite";
import { linuxFactory } from "./conformance/factories";

backendConformance("linux on a fake sysfs root", linuxFactory());
