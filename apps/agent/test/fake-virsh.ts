import { readFileSync } from "node:fs";
import type { NicSpec } from "@virtfn/agent-client";
import { parseDomainXml, parseInterface, type ParsedDomain } from "../src/hypervisor/domain-xml";
import { sameNic } from "../src/hypervisor/types";
import { renderDomainXml } from "../src/hypervisor/xml";
import { parseXml } from "../src/hypervisor/xml-parse";
import type { CommandResult, CommandRunner } from "../src/platform/runner";

interface FakeDomain {
  config: ParsedDomain;
  live: NicSpec[] | null;
}

const ok = (stdout = ""): CommandResult => ({ stdout, stderr: "", exitCode: 0 });
const err = (stderr: string): CommandResult => ({
  stdout: "",
  stderr: `error: ${stderr}`,
  exitCode: 1,
});

/**
 * Answers the virsh commands the Linux backend issues, keeping domains as libvirt would, and
 * records every call. Files are read at call time, as virsh does; XML goes through the agent's
 * own renderer and parser, so the fake also proves they round-trip.
 */
export class FakeVirsh implements CommandRunner {
  readonly calls: string[][] = [];
  /** XML files as virsh read them, in call order. */
  readonly xml: string[] = [];
  readonly domains = new Map<string, FakeDomain>();

  async run(command: string, args: readonly string[]): Promise<CommandResult> {
    if (command !== "virsh") return { stdout: "", stderr: `${command}: not found`, exitCode: 127 };
    const rest = args[0] === "-c" ? args.slice(2) : [...args];
    this.calls.push(rest);
    const [verb, ...operands] = rest;
    const positional = operands.filter((a) => !a.startsWith("--"));
    const flags = new Set(operands.filter((a) => a.startsWith("--")));
    const name = positional[0] ?? "";
    const dom = this.domains.get(name);
    const missing = err(`failed to get domain '${name}'`);
    switch (verb) {
      case "list":
        return ok(`${[...this.domains.keys()].sort().join("\n")}\n\n`);
      case "domstate":
        return dom === undefined
          ? missing
          : ok(`${dom.live === null ? "shut off" : "running"}\n\n`);
      case "dumpxml": {
        if (dom === undefined) return missing;
        const nics = flags.has("--inactive") || dom.live === null ? dom.config.nics : dom.live;
        return ok(renderDomainXml({ ...dom.config, image: dom.config.image, nics }));
      }
      case "define": {
        const text = readFileSync(name, "utf8");
        this.xml.push(text);
        const parsed = parseDomainXml(text);
        const existing = this.domains.get(parsed.name);
        this.domains.set(parsed.name, { config: parsed, live: existing?.live ?? null });
        return ok(`Domain '${parsed.name}' defined from ${name}\n`);
      }
      case "start":
        if (dom === undefined) return missing;
        if (dom.live !== null)
          return err("Requested operation is not valid: domain is already active");
        dom.live = structuredClone(dom.config.nics);
        return ok(`Domain '${name}' started\n`);
      case "shutdown":
      case "destroy":
        if (dom === undefined) return missing;
        if (dom.live === null)
          return err("Requested operation is not valid: domain is not running");
        dom.live = null;
        return ok();
      case "undefine":
        if (dom === undefined) return missing;
        this.domains.delete(name);
        return ok();
      case "attach-device":
      case "detach-device": {
        if (dom === undefined) return missing;
        const file = positional[1];
        if (file === undefined) return err("missing file");
        const text = readFileSync(file, "utf8");
        this.xml.push(text);
        const nic = parseInterface(parseXml(text));
        if (nic === null) return err("unsupported device XML");
        const edit = (list: NicSpec[]) =>
          verb === "attach-device"
            ? [...list.filter((n) => !sameNic(n, nic)), nic]
            : list.filter((n) => !sameNic(n, nic));
        if (flags.has("--live")) {
          if (dom.live === null)
            return err("Requested operation is not valid: domain is not running");
          dom.live = edit(dom.live);
        }
        if (flags.has("--config")) dom.config.nics = edit(dom.config.nics);
        return ok("Device attached successfully\n");
      }
      case "migrate":
        if (dom === undefined) return missing;
        if (dom.live !== null && dom.live.some((n) => n.type === "vf")) {
          return err("Requested operation is not valid: domain has assigned non-USB host devices");
        }
        if (flags.has("--undefinesource")) this.domains.delete(name);
        return ok();
      default:
        return err(`unknown command: '${verb ?? ""}'`);
    }
  }
}
