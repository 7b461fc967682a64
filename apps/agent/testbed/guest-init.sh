#!/bin/busybox sh
# PID 1 of the kernel test bed's guest (see run.sh). Prints the kernel's answers, runs the agent's
# SR-IOV kernel conformance suite against the real /sys, and powers off. Its last lines are
# "KERNEL SUITE: N passed, N failed" and "TESTBED-EXIT=<status>", which run.sh reads.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin
mkdir -p /proc /sys /dev /tmp /usr /lower /repo
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

finish() {
  echo "TESTBED-EXIT=$1"
  sync
  poweroff -f
}

for ko in /modules/*.ko; do
  insmod "$ko" || echo "insmod $ko failed"
done

# The host's /usr (Node.js and the libraries it links) and the repository, both read-only.
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose usr /usr || finish 2
ln -s usr/lib /lib
ln -s usr/lib64 /lib64
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose repo /lower || finish 2
# Vite and vitest write caches next to the code: a tmpfs upper layer takes them, the host's
# checkout stays untouched.
mkdir -p /tmp/overlay/upper /tmp/overlay/work
mount -t overlay overlay \
  -o lowerdir=/lower,upperdir=/tmp/overlay/upper,workdir=/tmp/overlay/work /repo || finish 2
export PATH=/bin:/sbin:/usr/bin HOME=/tmp VIRTFN_TEST_TMPDIR=/tmp CI=true TERM=dumb NO_COLOR=1

# ---- the device ---------------------------------------------------------------------------------
pf=""
for dev in /sys/bus/pci/devices/*; do
  if [ -e "$dev/sriov_totalvfs" ] && [ ! -e "$dev/physfn" ]; then pf=${dev##*/}; fi
done
[ -n "$pf" ] || { echo "no SR-IOV PF found"; finish 3; }
d=/sys/bus/pci/devices/$pf
# QEMU's NVMe VFs have no resources until nvme-cli assigns them; nvme would probe them and fail.
echo 0 >"$d/sriov_drivers_autoprobe"

errname() {
  case "$1" in
    *"Numerical result out of range"*) echo ERANGE ;;
    *"Device or resource busy"*) echo EBUSY ;;
    *"No such file or directory"*) echo ENOENT ;;
    *"Invalid argument"*) echo EINVAL ;;
    *"No such device"*) echo ENODEV ;;
    *) echo "$1" ;;
  esac
}
ms() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}0"; }
# w FILE VALUE: one write, and the kernel's answer to it, with its duration.
w() {
  t0=$(ms)
  # dd reports the failed write(2) with its strerror, which errname turns back into the errno.
  if err=$(printf '%s' "$2" | dd of="$1" conv=notrunc 2>&1); then answer=ok; else answer=$(errname "$err"); fi
  t1=$(ms)
  printf '  echo %-13s > %-48s -> %s (%s ms)\n' "'$2'" "${1#/sys/bus/pci/}" "$answer" "$((t1 - t0))"
}

echo "== the kernel's answers ($(uname -r), guest up $(cut -d" " -f1 /proc/uptime) s)"
echo "  PF $pf: vendor $(cat "$d/vendor") device $(cat "$d/device") driver $(basename "$(readlink "$d/driver")") netdev $(ls "$d/net" 2>/dev/null || echo none)"
echo "  sriov_totalvfs $(cat "$d/sriov_totalvfs"), sriov_numvfs $(cat "$d/sriov_numvfs"), offset $(cat "$d/sriov_offset"), stride $(cat "$d/sriov_stride")"
echo "  IOMMU: $(ls /sys/class/iommu) ; $(dmesg | grep -o 'DMAR-IR: Enabled IRQ remapping.*' | head -1)"
w "$d/sriov_numvfs" 5
w "$d/sriov_numvfs" abc
w "$d/sriov_numvfs" -1
w "$d/sriov_numvfs" 2
w "$d/sriov_numvfs" 3
for l in "$d"/virtfn*; do
  vf=$(basename "$(readlink "$l")")
  echo "  ${l##*/} -> $vf, whose physfn -> $(basename "$(readlink "/sys/bus/pci/devices/$vf/physfn")")"
done
vf0=$(basename "$(readlink "$d/virtfn0")")
echo vfio-pci >"/sys/bus/pci/devices/$vf0/driver_override"
w /sys/bus/pci/drivers/vfio-pci/bind "$vf0"
group=$(basename "$(readlink "/sys/bus/pci/devices/$vf0/iommu_group")")
echo "  $vf0 driver $(basename "$(readlink "/sys/bus/pci/devices/$vf0/driver")"), iommu_group $group ($(ls "/sys/kernel/iommu_groups/$group/devices" | wc -l) device), /dev/vfio/$group $([ -e "/dev/vfio/$group" ] && echo present || echo absent)"
w /sys/bus/pci/drivers/vfio-pci/unbind "$vf0"
echo >"/sys/bus/pci/devices/$vf0/driver_override"
w "$d/sriov_numvfs" 0
w "$d/sriov_numvfs" 3
w /sys/bus/pci/drivers/nvme/unbind "$pf"
echo "  after the nvme unbind: sriov_numvfs $(cat "$d/sriov_numvfs"), $(ls -d "$d"/virtfn* 2>/dev/null | wc -l) virtfn links"
w "$d/sriov_numvfs" 1
w "$d/sriov_numvfs" 0
w /sys/bus/pci/drivers/nvme/bind "$pf"
w "$d/sriov_numvfs" 0

# ---- the conformance suite -------------------------------------------------------------------
echo "== the agent's SR-IOV kernel conformance suite, Linux backend on the real /sys"
cd /repo || finish 2
VIRTFN_KERNEL_PF=$pf VIRTFN_KERNEL_PF_DRIVER=nvme \
  node node_modules/vitest/vitest.mjs run --config apps/agent/testbed/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json=/tmp/suite.json
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("/tmp/suite.json", "utf8"));
  // A file that fails to load fails no test but fails the run: count it as one failure.
  const failed = r.numFailedTests || (r.success ? 0 : 1);
  console.log(`KERNEL SUITE: ${r.numPassedTests} passed, ${failed} failed`);
' || echo "KERNEL SUITE: 0 passed, 1 failed"
finish "$status"
