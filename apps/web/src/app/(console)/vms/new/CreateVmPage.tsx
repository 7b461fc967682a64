"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { L3CreateOption } from "@virtfn/core";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { CheckboxField, describedBy, Field } from "~/components/Field";
import { memory } from "~/lib/format";
import { domainCode, errorData, fieldErrorsByPath } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { useProjects } from "../shared";
import { Button } from "~/components/ui/Button";
import { FormActions } from "~/components/ui/FormActions";
import { PciDevicePicker } from "./PciDevicePicker";
import { Options, type SelectOption } from "~/components/ui/Options";
import { Form } from "~/components/ui/Form";
import { HostReasons } from "../HostReasons";

interface NicDraft {
  key: number;
  l3Id: string;
  sriov: boolean;
}

const newNic = (key: number): NicDraft => ({ key, l3Id: "", sriov: false });

/** "prod-net — Flat · SR-IOV: 12 VFs free", "mgmt — VRouter · SR-IOV off". */
function l3Label(option: L3CreateOption): string {
  const sriov = option.sriovEnabled
    ? `SR-IOV: ${option.availableVfs} VF${option.availableVfs === 1 ? "" : "s"} free`
    : "SR-IOV off";
  return `${option.name} — ${option.category} · ${sriov}`;
}

/**
 * Why "Enable SR-IOV" is greyed out on NIC `index`: no L3 yet, the L3 has no SR-IOV or no free VF
 * (core's verdict), or the NICs above already ask for every free VF of that L3.
 */
export function sriovReason(
  nics: Array<{ l3Id: string; sriov: boolean }>,
  index: number,
  options: L3CreateOption[],
) {
  const nic = nics[index];
  if (!nic?.l3Id) return "Pick an L3 network first.";
  const option = options.find((o) => o.l3Id === nic.l3Id);
  if (!option) return null;
  if (!option.sriov.allowed)
    return option.sriov.reason ?? `SR-IOV is not available on L3 ${option.name}.`;
  const askedAbove = nics.slice(0, index).filter((n) => n.l3Id === nic.l3Id && n.sriov).length;
  if (askedAbove >= option.availableVfs) {
    return `no free VF left on L3 ${option.name}: the NICs above take all ${option.availableVfs}.`;
  }
  return null;
}

/**
 * The form: it reads option lists that follow the user's choices (the project's networks, the
 * PCI devices still free), so it loads with the data layer (see CreateVmForm).
 */
export function CreateVmPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = useId();
  const { projects, pending: projectsPending } = useProjects();
  const [projectChoice, setProjectChoice] = useState("");
  const projectId = projectChoice || (projects.length === 1 ? (projects[0]?.id ?? "") : "");
  const [name, setName] = useState("");
  const [offeringId, setOfferingId] = useState("");
  const [imageId, setImageId] = useState("");
  // Row keys (and the ids built from them) are a counter in state: the same on the server and the client.
  const [nics, setNics] = useState<NicDraft[]>(() => [newNic(0)]);
  const [nextKey, setNextKey] = useState(1);
  const [defaultKey, setDefaultKey] = useState<number | null>(null);
  const [pciDeviceIds, setPciDeviceIds] = useState<string[]>([]);

  const offerings = useQuery(trpc.catalog.offerings.queryOptions());
  const images = useQuery(trpc.catalog.images.queryOptions());
  const options = useQuery({
    ...trpc.vms.createOptions.queryOptions({ projectId }),
    enabled: Boolean(projectId),
    // Free VF counts move as other VMs come and go.
    refetchInterval: 10_000,
  });
  const l3s = options.data ?? [];

  const create = useMutation(
    trpc.vms.create.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries(trpc.vms.pathFilter());
        void queryClient.invalidateQueries(trpc.operations.pathFilter());
        router.push(`/vms/${result.vm.id}`);
      },
      onError: () => void options.refetch(),
    }),
  );

  const reasons = nics.map((_, index) => sriovReason(nics, index, l3s));
  const errors = create.error ? fieldErrorsByPath(create.error) : {};
  const code = domainCode(create.error);
  if (code === "ALREADY_EXISTS") errors.name = create.error?.message ?? "";
  // NO_VF_AVAILABLE / L3_SRIOV_DISABLED name the L3; mark the NIC rows on it.
  const failedL3 =
    (code === "NO_VF_AVAILABLE" ||
      code === "L3_SRIOV_DISABLED" ||
      code === "PF_BUSY" ||
      code === "NO_SUCH_INTERFACE") &&
    errorData(create.error).details?.l3;
  const placed = Object.keys(errors).length > 0;
  // Placement refusals list every host with its reason (issue 10): show them as they are.
  const rawHosts = errorData(create.error).details?.hosts;
  const hostReasons = Array.isArray(rawHosts)
    ? rawHosts.filter(
        (h): h is { name: string; reason: string } =>
          typeof h === "object" &&
          h !== null &&
          typeof h.name === "string" &&
          typeof h.reason === "string",
      )
    : [];
  const effectiveDefault = nics.some((n) => n.key === defaultKey) ? defaultKey : nics[0]?.key;

  const setNic = (key: number, change: Partial<NicDraft>) =>
    setNics((list) => list.map((nic) => (nic.key === key ? { ...nic, ...change } : nic)));

  const submit = () => {
    create.mutate({
      projectId,
      name,
      offeringId,
      imageId,
      // Exactly what the user ticked: if a VF cannot be had, the server refuses (R7) and the form
      // says why; it never quietly turns a VF NIC into a vNIC.
      nics: nics.map((nic) => ({
        l3Id: nic.l3Id,
        sriov: nic.sriov,
        isDefault: nic.key === effectiveDefault,
      })),
      pciDeviceIds,
    });
  };

  const select = (
    field: "offeringId" | "imageId",
    value: string,
    onChange: (v: string) => void,
    placeholder: string,
    items: SelectOption[],
  ) => (
    <select
      id={`${id}-${field}`}
      name={field}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      aria-invalid={errors[field] ? true : undefined}
      aria-describedby={describedBy(`${id}-${field}`, errors[field])}
    >
      <option value="">{placeholder}</option>
      <Options options={items} />
    </select>
  );

  return (
    <>
      <Form className="panel create-vm" aria-label="Create VM" onSubmit={submit}>
        <div className="form-grid form-cols">
          <Field
            id={`${id}-projectId`}
            label="Project"
            error={errors.projectId}
            hint={
              !projectsPending && projects.length === 0
                ? "You are not a member of any project."
                : undefined
            }
          >
            <select
              id={`${id}-projectId`}
              name="projectId"
              value={projectId}
              onChange={(event) => setProjectChoice(event.target.value)}
              disabled={projects.length === 1}
              aria-invalid={errors.projectId ? true : undefined}
              aria-describedby={describedBy(
                `${id}-projectId`,
                errors.projectId,
                projects.length === 0,
              )}
            >
              {projects.length !== 1 ? (
                <option value="">
                  {projectsPending ? "Loading projects…" : "Select a project…"}
                </option>
              ) : null}
              <Options options={projects.map((p) => ({ value: p.id, label: p.name }))} />
            </select>
          </Field>
          <Field id={`${id}-name`} label="Name" error={errors.name}>
            <input
              id={`${id}-name`}
              name="name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              autoComplete="off"
              autoFocus
              spellCheck={false}
              placeholder="web-01"
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy(`${id}-name`, errors.name)}
            />
          </Field>
          <Field id={`${id}-offeringId`} label="Instance offering" error={errors.offeringId}>
            {select(
              "offeringId",
              offeringId,
              setOfferingId,
              offerings.isPending ? "Loading offerings…" : "Select an offering…",
              (offerings.data ?? []).map((o) => ({
                value: o.id,
                label: `${o.name} — ${o.vcpus} vCPU${o.vcpus === 1 ? "" : "s"}, ${memory(o.memoryMiB)}`,
              })),
            )}
          </Field>
          <Field id={`${id}-imageId`} label="Image" error={errors.imageId}>
            {select(
              "imageId",
              imageId,
              setImageId,
              images.isPending ? "Loading images…" : "Select an image…",
              (images.data ?? []).map((i) => ({
                value: i.id,
                label: `${i.name} — ${i.format}, ${i.sizeGiB} GiB`,
              })),
            )}
          </Field>
        </div>

        <fieldset className="fieldset nic-fieldset">
          <legend>Network interfaces</legend>
          {options.isError ? (
            <ErrorBox
              title="Could not load the L3 networks."
              error={options.error}
              onRetry={() => void options.refetch()}
            />
          ) : options.isSuccess && l3s.length === 0 ? (
            <p className="hint">No L3 network exists yet; an admin has to create one first.</p>
          ) : null}
          {errors.nics ? (
            <p className="field-error" role="alert">
              {errors.nics}
            </p>
          ) : null}
          <ol className="nic-drafts">
            {nics.map((nic, index) => {
              const option = l3s.find((o) => o.l3Id === nic.l3Id);
              const l3Error = errors[`nics.${index}.l3Id`];
              const rowFailed = Boolean(failedL3 && option && option.name === failedL3);
              return (
                <li
                  key={nic.key}
                  className={`nic-draft ${rowFailed ? "nic-draft-failed" : ""}`}
                  data-testid="nic-draft"
                >
                  <div className="nic-draft-head">
                    <span className="strong">eth{index}</span>
                    <label className="nic-default">
                      <input
                        type="radio"
                        name="defaultNic"
                        checked={nic.key === effectiveDefault}
                        onChange={() => setDefaultKey(nic.key)}
                      />
                      Default route
                    </label>
                    {nics.length > 1 ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Remove NIC eth${index}`}
                        onClick={() => setNics((list) => list.filter((n) => n.key !== nic.key))}
                      >
                        Remove
                      </Button>
                    ) : null}
                  </div>
                  <div className="nic-draft-fields">
                    <Field
                      id={`${id}-nic-${nic.key}-l3`}
                      label={`L3 network for eth${index}`}
                      error={l3Error}
                      hint={option ? `${option.category} on L2 ${option.l2Name}` : undefined}
                    >
                      <select
                        id={`${id}-nic-${nic.key}-l3`}
                        value={nic.l3Id}
                        onChange={(event) => setNic(nic.key, { l3Id: event.target.value })}
                        aria-invalid={l3Error ? true : undefined}
                        aria-describedby={describedBy(
                          `${id}-nic-${nic.key}-l3`,
                          l3Error,
                          Boolean(option),
                        )}
                      >
                        <option value="">
                          {!projectId
                            ? "Pick a project first…"
                            : options.isPending
                              ? "Loading networks…"
                              : "Select an L3 network…"}
                        </option>
                        {l3s.map((o) => (
                          <option key={o.l3Id} value={o.l3Id}>
                            {l3Label(o)}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <CheckboxField
                      id={`${id}-nic-${nic.key}-sriov`}
                      name={`sriov-${index}`}
                      label="Enable SR-IOV"
                      checked={nic.sriov}
                      onChange={(checked) => setNic(nic.key, { sriov: checked })}
                      // A ticked box stays ticked and can be unticked; the reason shows as a warning.
                      disabledReason={nic.sriov ? null : reasons[index]}
                      error={nic.sriov ? (reasons[index] ?? undefined) : undefined}
                      hint="A VF passed through to the guest: near-native I/O, but no QoS or security groups, and no live migration while running."
                    />
                  </div>
                </li>
              );
            })}
          </ol>
          <Button
            size="sm"
            disabled={nics.length >= 16}
            onClick={() => {
              setNics((list) => [...list, newNic(nextKey)]);
              setNextKey((k) => k + 1);
            }}
          >
            Add NIC
          </Button>
        </fieldset>

        <PciDevicePicker value={pciDeviceIds} onChange={setPciDeviceIds} />

        {create.error && !placed ? (
          <ErrorBox
            title={code === "NO_VF_AVAILABLE" ? "Not enough VFs." : "The VM was not created."}
            error={create.error}
          />
        ) : null}
        {create.error ? <HostReasons hosts={hostReasons} testId="create-host-reasons" /> : null}
        <FormActions
          // The unplaced error and the hosts' reasons stand above, with the create's own title.
          error={placed ? create.error : null}
          unplaced={false}
          pending={create.isPending}
          submitLabel="Create VM"
          pendingLabel="Creating…"
          onCancel={() => router.push("/vms")}
        />
      </Form>
    </>
  );
}
