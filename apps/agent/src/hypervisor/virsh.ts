import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AgentError, type AgentErrorCode, type NicSpec } from "@virtfn/agent-client";
import type { Clock } from "../platform/clock";
import type { CommandRunner } from "../platform/runner";
import { parseDomainXml } from "./domain-xml";
import type { DefinedSpec, DomainRecord, Hypervisor } from "./types";
import { renderDomainXml, renderNic } from "./xml";

export interface VirshOptions {
  runner: CommandRunner;
  clock: Clock;
  /** libvirt connection URI; qemu:///system on a KVM host. */
  uri?: string;
  /** Where XML files for define/attach are written; they are removed after each call. */
  tmpDir?: string;
  shutdownTimeoutMs?: number;
}

/** libvirt's wording for the errors the agent has a code for (LC_ALL=C is set by the runner). */
function classify(stderr: string): AgentErrorCode {
  if (/failed to get domain|Domain not found|no domain with matching/i.test(stderr))
    return "NOT_FOUND";
  if (/already exists|already defined/i.test(stderr)) return "DOMAIN_EXISTS";
  if (/in use by|is already in use|device or resource busy/i.test(stderr)) return "DEVICE_BUSY";
  if (/non-USB host devices|cannot migrate.*hostdev|assigned host devices/i.test(stderr))
    return "HOSTDEV_NOT_MIGRATABLE";
  return "COMMAND_FAILED";
}

export class VirshHypervisor implements Hypervisor {
  private readonly runner: CommandRunner;
  private readonly clock: Clock;
  private readonly uri: string;
  private readonly tmpDir: string;
  private readonly shutdownTimeoutMs: number;

  constructor(options: VirshOptions) {
    this.runner = options.runner;
    this.clock = options.clock;
    this.uri = options.uri ?? "qemu:///system";
    this.tmpDir = options.tmpDir ?? path.join(os.tmpdir(), "virtfn-agent");
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 120_000;
  }

  private async virsh(args: string[]): Promise<string> {
    const res = await this.runner.run("virsh", ["-c", this.uri, ...args]);
    if (res.exitCode !== 0) {
      const message = res.stderr.trim() === "" ? `exit ${res.exitCode}` : res.stderr.trim();
      throw new AgentError(classify(message), `virsh ${args.join(" ")}: ${message}`);
    }
    return res.stdout;
  }

  /** virsh takes XML from a file; write it, run, and always clean up. */
  private async withXmlFile<T>(xml: string, fn: (file: string) => Promise<T>): Promise<T> {
    await fs.mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.tmpDir, `${randomUUID()}.xml`);
    await fs.writeFile(file, xml, { mode: 0o600 });
    try {
      return await fn(file);
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  private async state(name: string): Promise<"running" | "shutoff"> {
    const out = (await this.virsh(["domstate", name])).trim();
    // paused/in shutdown still hold their devices, so count them as running.
    return out === "shut off" || out === "crashed" ? "shutoff" : "running";
  }

  async list(): Promise<DomainRecord[]> {
    const names = (await this.virsh(["list", "--all", "--name"]))
      .split("\n")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const records: DomainRecord[] = [];
    for (const name of names) {
      const record = await this.get(name);
      if (record !== null) records.push(record);
    }
    return records;
  }

  async get(name: string): Promise<DomainRecord | null> {
    let state: "running" | "shutoff";
    try {
      state = await this.state(name);
    } catch (error) {
      if (error instanceof AgentError && error.code === "NOT_FOUND") return null;
      throw error;
    }
    const config = parseDomainXml(await this.virsh(["dumpxml", "--inactive", name]));
    const live =
      state === "running" ? parseDomainXml(await this.virsh(["dumpxml", name])).nics : null;
    return {
      name: config.name,
      uuid: config.uuid,
      state,
      vcpus: config.vcpus,
      memoryMiB: config.memoryMiB,
      image: config.image,
      config: config.nics,
      live,
      ...(config.hostdevs.length > 0 ? { hostdevs: config.hostdevs } : {}),
    };
  }

  async define(spec: DefinedSpec): Promise<void> {
    await this.withXmlFile(renderDomainXml(spec), (file) => this.virsh(["define", file]));
  }

  async start(name: string): Promise<void> {
    await this.virsh(["start", name]);
  }

  async shutdown(name: string): Promise<void> {
    await this.virsh(["shutdown", name]);
    const deadline = this.clock.now() + this.shutdownTimeoutMs;
    while ((await this.state(name)) !== "shutoff") {
      if (this.clock.now() >= deadline) {
        throw new AgentError(
          "SHUTDOWN_TIMEOUT",
          `${name} did not power off within ${this.shutdownTimeoutMs} ms; destroy it to force`,
        );
      }
      await this.clock.sleep(500);
    }
  }

  async destroy(name: string): Promise<void> {
    await this.virsh(["destroy", name]);
  }

  async undefine(name: string): Promise<void> {
    await this.virsh(["undefine", name]);
  }

  async attach(name: string, nic: NicSpec, live: boolean): Promise<void> {
    await this.withXmlFile(renderNic(nic), (file) =>
      this.virsh(["attach-device", name, file, ...(live ? ["--live"] : []), "--config"]),
    );
  }

  async detach(name: string, nic: NicSpec, live: boolean): Promise<void> {
    await this.withXmlFile(renderNic(nic), (file) =>
      this.virsh(["detach-device", name, file, ...(live ? ["--live"] : []), "--config"]),
    );
  }

  /** Hands the domain to libvirt on the target host; the agents do not copy anything themselves. */
  async migrate(name: string, targetHost: string, live: boolean): Promise<void> {
    const uri = `qemu+ssh://${targetHost}/system`;
    const mode = live ? ["--live"] : ["--offline"];
    await this.virsh([
      "migrate",
      ...mode,
      "--persistent",
      "--undefinesource",
      "--verbose",
      name,
      uri,
    ]);
  }
}
