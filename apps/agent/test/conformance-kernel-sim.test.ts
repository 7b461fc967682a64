import { simKernelFactory } from "./conformance/kernel-factories";
import { sriovKernelConformance } from "./conformance/sriov-kernel";

sriovKernelConformance("sim", simKernelFactory);
