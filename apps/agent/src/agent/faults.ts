import { AgentError, type FaultableCall, type InjectFaultRequest } from "@virtfn/agent-client";

interface ArmedFault {
  after: number;
  times: number;
  code: InjectFaultRequest["code"];
}

/**
 * Sim hosts' failure injection: after `after` calls of an operation pass, the next `times` fail
 * as libvirt would refuse them, before anything changes. Tests and demos arm it over HTTP
 * (PUT /v1/sim/faults), so a fault can land in any phase of a live migration with the real
 * agent behind it, also on the second of two hot-plugs.
 */
export class FaultPlan {
  private readonly armed = new Map<FaultableCall, ArmedFault>();

  arm(request: InjectFaultRequest): void {
    if (request.times === 0) this.armed.delete(request.call);
    else
      this.armed.set(request.call, {
        after: request.after,
        times: request.times,
        code: request.code,
      });
  }

  /** Throws the armed error for this call, counting down; does nothing when none is due. */
  take(call: FaultableCall, subject: string): void {
    const fault = this.armed.get(call);
    if (fault === undefined) return;
    if (fault.after > 0) {
      fault.after -= 1;
      return;
    }
    if (fault.times <= 1) this.armed.delete(call);
    else fault.times -= 1;
    throw new AgentError(fault.code, `injected fault: ${call} ${subject} failed`, {
      details: { injected: true },
    });
  }
}
