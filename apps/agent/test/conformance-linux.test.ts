import { vfPortConformance } from "./conformance/vf-ports";
import { backendConformance } from "./conformance/suite";
import { linuxFactory } from "./conformance/factories";

backendConformance("linux on a fake sysfs root", linuxFactory());
vfPortConformance("linux on a fake sysfs root and a fake ip", linuxFactory());
