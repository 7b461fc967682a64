/** How a transport should present a domain error. One mapping, in apps/web, turns it into codes. */
export type ErrorKind =
  | "BAD_REQUEST"
  | "CONFLICT"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "TOO_MANY_REQUESTS"
  // The server cannot take the request right now (503 with Retry-After); the same call may work later.
  | "UNAVAILABLE";

/**
 * Stable error codes. Clients match on these; the messages are for people and may change.
 */
export const ErrorCode = {
  VALIDATION_FAILED: "VALIDATION_FAILED",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  FORBIDDEN: "FORBIDDEN",
  ADMIN_ONLY: "ADMIN_ONLY",
  NOT_FOUND: "NOT_FOUND",
  ALREADY_EXISTS: "ALREADY_EXISTS",
  OPERATION_IN_PROGRESS: "OPERATION_IN_PROGRESS",
  HOST_NOT_CONNECTED: "HOST_NOT_CONNECTED",
  HOST_IN_USE: "HOST_IN_USE",
  /** The host is in maintenance: no new placements (creates, starts, moves) go to it. */
  HOST_IN_MAINTENANCE: "HOST_IN_MAINTENANCE",
  /** Entering maintenance on a host already in it, or leaving it on one that is not. */
  HOST_MAINTENANCE_UNCHANGED: "HOST_MAINTENANCE_UNCHANGED",
  IOMMU_NOT_READY: "IOMMU_NOT_READY",
  // SR-IOV split and restore (R11, R12)
  PF_NOT_SRIOV_CAPABLE: "PF_NOT_SRIOV_CAPABLE",
  VF_COUNT_OUT_OF_RANGE: "VF_COUNT_OUT_OF_RANGE",
  VFS_IN_USE: "VFS_IN_USE",
  VFS_ATTACHED: "VFS_ATTACHED",
  // Networks (R1, R2, R16)
  SRIOV_NOT_ALLOWED_ON_VXLAN: "SRIOV_NOT_ALLOWED_ON_VXLAN",
  SRIOV_IN_USE: "SRIOV_IN_USE",
  L2_SRIOV_DISABLED: "L2_SRIOV_DISABLED",
  NETWORK_IN_USE: "NETWORK_IN_USE",
  CLUSTER_NOT_IN_ZONE: "CLUSTER_NOT_IN_ZONE",
  VNI_OUT_OF_RANGE: "VNI_OUT_OF_RANGE",
  VNI_IN_USE: "VNI_IN_USE",
  IP_RANGE_OVERLAP: "IP_RANGE_OVERLAP",
  IP_RANGE_OUTSIDE_SUBNET: "IP_RANGE_OUTSIDE_SUBNET",
  GATEWAY_OUTSIDE_SUBNET: "GATEWAY_OUTSIDE_SUBNET",
  GATEWAY_IN_IP_RANGE: "GATEWAY_IN_IP_RANGE",
  // Catalog
  CATALOG_IN_USE: "CATALOG_IN_USE",
  // VMs and their NICs (R4-R10)
  NO_VF_AVAILABLE: "NO_VF_AVAILABLE",
  NO_HOST_AVAILABLE: "NO_HOST_AVAILABLE",
  NO_IP_AVAILABLE: "NO_IP_AVAILABLE",
  INSUFFICIENT_CAPACITY: "INSUFFICIENT_CAPACITY",
  L3_SRIOV_DISABLED: "L3_SRIOV_DISABLED",
  L2_NOT_ON_CLUSTER: "L2_NOT_ON_CLUSTER",
  VM_INVALID_STATE: "VM_INVALID_STATE",
  VM_NOT_STOPPED: "VM_NOT_STOPPED",
  VF_NIC_QOS_UNSUPPORTED: "VF_NIC_QOS_UNSUPPORTED",
  VF_NIC_SECURITY_GROUP_UNSUPPORTED: "VF_NIC_SECURITY_GROUP_UNSUPPORTED",
  VF_NIC_EIP_UNSUPPORTED: "VF_NIC_EIP_UNSUPPORTED",
  VF_NIC_NOT_MIGRATABLE: "VF_NIC_NOT_MIGRATABLE",
  NO_MIGRATION_TARGET: "NO_MIGRATION_TARGET",
  EIP_ALREADY_ATTACHED: "EIP_ALREADY_ATTACHED",
  PROJECT_MISMATCH: "PROJECT_MISMATCH",
  // Identity, projects and API keys
  PROJECT_IN_USE: "PROJECT_IN_USE",
  CANNOT_CHANGE_SELF: "CANNOT_CHANGE_SELF",
  NOT_A_MEMBER: "NOT_A_MEMBER",
  READ_ONLY_ROLE: "READ_ONLY_ROLE",
  INVALID_API_KEY: "INVALID_API_KEY",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  IDEMPOTENCY_IN_PROGRESS: "IDEMPOTENCY_IN_PROGRESS",
  CROSS_SITE_REQUEST: "CROSS_SITE_REQUEST",
  RATE_LIMITED: "RATE_LIMITED",
  // Placement (issue 10): the code says why no host could take the VM
  PF_BUSY: "PF_BUSY",
  NO_SUCH_INTERFACE: "NO_SUCH_INTERFACE",
  // Load (issue 9): no database connection in time; retry later
  DATABASE_BUSY: "DATABASE_BUSY",
  DATABASE_UNAVAILABLE: "DATABASE_UNAVAILABLE",
  // Zones and clusters
  ZONE_NOT_EMPTY: "ZONE_NOT_EMPTY",
  CLUSTER_NOT_EMPTY: "CLUSTER_NOT_EMPTY",
  // Hostile input and brute force (issue 11)
  LOGIN_THROTTLED: "LOGIN_THROTTLED",
  API_KEY_LIMIT: "API_KEY_LIMIT",
  REFERENCE_CONFLICT: "REFERENCE_CONFLICT",
  CONCURRENT_UPDATE: "CONCURRENT_UPDATE",
  INVALID_CURSOR: "INVALID_CURSOR",
  // Fleet rollouts (issue 14)
  FLEET_PFS_REFUSED: "FLEET_PFS_REFUSED",
  FLEET_NOTHING_SELECTED: "FLEET_NOTHING_SELECTED",
  FLEET_ROLLOUT_IN_PROGRESS: "FLEET_ROLLOUT_IN_PROGRESS",
  FLEET_ROLLOUT_FAILED: "FLEET_ROLLOUT_FAILED",
  // Operation retry (issue 15)
  OPERATION_NOT_RETRYABLE: "OPERATION_NOT_RETRYABLE",
  // NUMA placement (issue 16)
  NO_NUMA_NODE_AVAILABLE: "NO_NUMA_NODE_AVAILABLE",
  // Action verdicts (issue 15)
  PF_NOT_SPLIT: "PF_NOT_SPLIT",
  // Live migration with VF NICs (issue 17)
  NIC_NOT_VF: "NIC_NOT_VF",
  FAILOVER_PARTNER_MISSING: "FAILOVER_PARTNER_MISSING",
  MIGRATION_ROLLED_BACK: "MIGRATION_ROLLED_BACK",
  // VF port settings (issue 16)
  VF_PORT_NOT_VF: "VF_PORT_NOT_VF",
  VF_TRUST_NOT_ALLOWED: "VF_TRUST_NOT_ALLOWED",
  // VF pools (issue 16)
  VF_POOL_INVALID_RANGE: "VF_POOL_INVALID_RANGE",
  VF_POOL_OUT_OF_RANGE: "VF_POOL_OUT_OF_RANGE",
  VF_POOL_OVERLAP: "VF_POOL_OVERLAP",
  VF_POOL_HELD_OUTSIDE: "VF_POOL_HELD_OUTSIDE",
  VF_POOL_L2_MISMATCH: "VF_POOL_L2_MISMATCH",
  VF_POOL_CUT: "VF_POOL_CUT",
  // Whole-device PCI passthrough (issue 17)
  PCI_DEVICE_MISSING: "PCI_DEVICE_MISSING",
  PCI_DEVICE_SPLIT: "PCI_DEVICE_SPLIT",
  PCI_DEVICE_ASSIGNABLE: "PCI_DEVICE_ASSIGNABLE",
  PCI_DEVICE_NOT_ASSIGNABLE: "PCI_DEVICE_NOT_ASSIGNABLE",
  PCI_DEVICE_IN_USE: "PCI_DEVICE_IN_USE",
  PCI_DEVICE_ASSIGNED: "PCI_DEVICE_ASSIGNED",
  PCI_DEVICE_UNAVAILABLE: "PCI_DEVICE_UNAVAILABLE",
  PCI_DEVICE_NOT_MIGRATABLE: "PCI_DEVICE_NOT_MIGRATABLE",
  IOMMU_GROUP_SHARED: "IOMMU_GROUP_SHARED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function notFound(entity: string, id: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, "NOT_FOUND", `${entity} ${id} was not found.`, {
    entity,
    id,
  });
}

/**
 * `field` is the input's field path ("agentUrl"), so a form puts the error on that field; `label`
 * is how the message names it when the path is no word for people ("agent URL").
 */
export function alreadyExists(
  entity: string,
  field: string,
  value: string,
  label: string = field,
): DomainError {
  return new DomainError(
    ErrorCode.ALREADY_EXISTS,
    "CONFLICT",
    `A ${entity} with ${label} "${value}" already exists.`,
    { entity, field, value },
  );
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
