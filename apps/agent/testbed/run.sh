#!/usr/bin/env bash
# The agent on a real Linux kernel's SR-IOV (`npm run test:kernel`). Boots Debian's kernel under
# QEMU (TCG: no KVM here) with an emulated NVMe controller that has SR-IOV, behind an Intel IOMMU,
# prints what the kernel answers to sriov_numvfs writes, driver unbinds and a vfio-pci bind, then
# runs the agent's SR-IOV kernel conformance suite inside the guest through the Linux backend
# against the real /sys. Exits non-zero when anything fails. See apps/agent/README.md.
#
# Everything it downloads comes from the Debian archive through apt; downloads and builds are
# cached under .data/kernel-testbed (git-ignored). Env: VIRTFN_TESTBED_DIR (cache dir),
# VIRTFN_TESTBED_TIMEOUT (seconds the guest may run, default 900).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
data=${VIRTFN_TESTBED_DIR:-$repo/.data/kernel-testbed}
guest_timeout=${VIRTFN_TESTBED_TIMEOUT:-900}
started=$(date +%s)
mkdir -p "$data"

say() { printf '[kernel-testbed] %s\n' "$*"; }
elapsed() { echo "$(($(date +%s) - started)) s"; }

# ---- packages, from apt, only those missing ----------------------------------------------------
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
# The guest's init is busybox, so it must be the static build.
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
  need+=(busybox-static)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  say "installed after $(elapsed)"
fi

# ---- the kernel: Debian's current linux-image-6.1 ----------------------------------------------
kernel_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(kernel_pkg)
if [ -z "$pkg" ]; then
  apt-get update -qq
  pkg=$(kernel_pkg)
fi
[ -n "$pkg" ] || { echo "cannot resolve linux-image-amd64 with apt-cache" >&2; exit 1; }
kdir=$data/$pkg
wanted="nvme vfio vfio_iommu_type1 vfio-pci e1000e virtio_pci 9pnet_virtio 9p overlay"
if [ ! -f "$kdir/ready" ]; then
  say "downloading $pkg from the Debian archive"
  tmp=$(mktemp -d "$data/download.XXXXXX")
  # apt drops to the _apt user for the download; without this it warns and downloads as root.
  chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg")
  dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
  rm -rf "$kdir" && mkdir -p "$kdir/modules"
  "$here/kernel-files.sh" "$tmp/root" "$kdir" $wanted
  rm -rf "$tmp"
  touch "$kdir/ready"
  say "kernel ready after $(elapsed)"
fi

# ---- the initramfs: static busybox, the modules in dependency order, our init -----------------
initrd=$data/initramfs-$pkg.cpio
if [ ! -f "$initrd" ] || [ "$here/guest-init.sh" -nt "$initrd" ]; then
  root=$(mktemp -d "$data/initramfs.XXXXXX")
  mkdir -p "$root/bin" "$root/modules"
  cp /bin/busybox "$root/bin/busybox"
  cp "$here/guest-init.sh" "$root/init"
  chmod 755 "$root/init"
  cp "$kdir"/modules/* "$root/modules/"
  (cd "$root" && find . | /bin/busybox cpio -o -H newc 2>/dev/null) >"$initrd.tmp"
  mv "$initrd.tmp" "$initrd"
  rm -rf "$root"
fi

# ---- the guest ------------------------------------------------------------------------------------
log=$(mktemp "$data/console.XXXXXX")
qemu_pid=""
tail_pid=""
cleanup() {
  # Only the processes this script started, by PID.
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null || true
    sleep 1
    kill -9 "$qemu_pid" 2>/dev/null || true
  fi
  if [ -n "$tail_pid" ]; then kill "$tail_pid" 2>/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

say "booting $pkg (TCG) with an NVMe SR-IOV PF behind intel-iommu"
# The PVH entry of the uncompressed vmlinux starts in ~10 s; the bzImage path takes 22-29 s.
# -nodefaults: no default NIC, VGA or monitor; the e1000e has no network backend at all.
qemu-system-x86_64 \
  -nodefaults -no-reboot -display none -monitor none \
  -machine q35,accel=tcg -cpu max -smp 2 -m 1024 \
  -device intel-iommu,intremap=on \
  -device pcie-root-port,id=rp0,bus=pcie.0,addr=0x4,chassis=1,slot=1 \
  -device nvme-subsys,id=subsys0 \
  -device nvme,serial=virtfn0,subsys=subsys0,bus=rp0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4 \
  -device e1000e,bus=pcie.0,addr=0x3,romfile= \
  -virtfs local,path=/usr,mount_tag=usr,security_model=none,readonly=on \
  -virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on \
  -kernel "$kdir/vmlinux" -initrd "$initrd" \
  -append "console=ttyS0 intel_iommu=on iommu=pt quiet loglevel=3 panic=-1" \
  -serial "file:$log" &
qemu_pid=$!
# Vitest hides and shows the cursor even on a dumb terminal: drop those two escapes.
tail -n +1 -f --pid="$qemu_pid" "$log" | sed -u 's/\x1b\[?25[hl]//g' &
tail_pid=$!

deadline=$(($(date +%s) + guest_timeout))
while kill -0 "$qemu_pid" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "the guest ran past ${guest_timeout} s; stopping QEMU (pid $qemu_pid)"
    kill "$qemu_pid" 2>/dev/null || true
    break
  fi
  sleep 1
done
wait "$tail_pid" 2>/dev/null || true
tail_pid=""

suite=$(grep -a -o 'KERNEL SUITE: [0-9]* passed, [0-9]* failed' "$log" | tail -1 || true)
status=$(grep -a -o 'TESTBED-EXIT=[0-9]*' "$log" | tail -1 | cut -d= -f2 || true)
say "finished after $(elapsed)"
if [ -z "$suite" ]; then
  echo "0 passed, 1 failed (the guest did not report the kernel suite)"
  exit 1
fi
echo "${suite#KERNEL SUITE: }"
[ "$status" = "0" ]
