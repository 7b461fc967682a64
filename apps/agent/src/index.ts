export { startAgent, type RunningAgent, type StartAgentOptions } from "./server/start";
export { startSimFleet, type SimFleet, type SimFleetOptions } from "./server/fleet";
export {
  startObservedSimFleet,
  type AppliedCall,
  type ObservedCall,
  type ObservedSimFleet,
  type ObservedSimFleetOptions,
} from "./server/observed-fleet";
export { createApp } from "./server/app";
export { HostAgent } from "./agent/host-agent";
export { createLinuxBackend, type LinuxBackendOptions } from "./backends/linux";
export { createSimBackend, type BackendHandle, type SimBackendOptions } from "./backends/sim";
export {
  hostProfileNames,
  loadHostProfile,
  loadNicProfile,
  nicProfileNames,
  type HostProfileName,
} from "./profiles/load";
export type { HostProfile, NicProfile } from "./profiles/schema";
export { systemClock, type Clock } from "./platform/clock";
export { NodeSysfsIo, type SysfsIo } from "./platform/io";
export { NodeCommandRunner, type CommandResult, type CommandRunner } from "./platform/runner";
export {
  renderDomainXml,
  renderNic,
  renderPciHostdev,
  renderVfInterface,
  renderVnicInterface,
} from "./hypervisor/xml";
export { AGENT_VERSION } from "./agent/version";
