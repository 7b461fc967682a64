import { linuxKernelFactory } from "./conformance/kernel-factories";
import { sriovKernelConformance } from "./conformance/sriov-kernel";

sriovKernelConformance("linux on a fake sysfs root", linuxKernelFactory);
