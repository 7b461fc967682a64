/**
 * Why each host was passed over (placement at create, the hosts a stopped VM may move to), as the
 * scheduler said it: one line a host. Nothing when no host was refused.
 */
export function HostReasons({
  hosts,
  testId,
}: {
  hosts: readonly { name: string; reason: string | null }[];
  testId: string;
}) {
  if (hosts.length === 0) return null;
  return (
    <ul className="hint host-reasons" data-testid={testId}>
      {hosts.map((host) => (
        <li key={host.name}>
          {host.name}: {host.reason}
        </li>
      ))}
    </ul>
  );
}
