import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("agent configuration", () => {
  it("reads the environment, with flags taking precedence", () => {
    const env = {
      VIRTFN_AGENT_PORT: "7001",
      VIRTFN_AGENT_TOKEN: "env-token-0123456789",
      VIRTFN_AGENT_BACKEND: "sim",
      VIRTFN_SIM_PROFILE: "kvm-e810",
      VIRTFN_SIM_STATE_DIR: "/var/lib/virtfn-sim/b",
    };
    expect(parseConfig(["--port", "7002"], env)).toEqual({
      port: 7002,
      host: "127.0.0.1",
      token: "env-token-0123456789",
      backend: "sim",
      sim: { stateDir: "/var/lib/virtfn-sim/b", profile: "kvm-e810" },
    });
  });

  it("defaults to the linux backend on /sys and /proc", () => {
    expect(parseConfig(["--token", "flag-token-0123456789"], {})).toEqual({
      port: 7443,
      host: "127.0.0.1",
      token: "flag-token-0123456789",
      backend: "linux",
      linux: { sysRoot: "/sys", procRoot: "/proc" },
    });
  });

  it("refuses short tokens, unknown profiles and a sim without state dir", () => {
    expect(() => parseConfig(["--token", "short"], {})).toThrow(/16 characters/);
    expect(() =>
      parseConfig(["--token", "x".repeat(20), "--backend", "sim", "--sim-profile", "nope"], {}),
    ).toThrow();
    expect(() =>
      parseConfig(["--token", "x".repeat(20), "--backend", "sim", "--sim-profile", "kvm-e810"], {}),
    ).toThrow(/VIRTFN_SIM_STATE_DIR/);
  });
});
