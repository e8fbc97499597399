# A single-node Slurm 22.05 from Debian's packages, for the tests that need a real cluster.
# Sourced by .ci/run (as root): `slurm_start` installs and starts munged, slurmctld and slurmd
# and waits for the node to be idle; `slurm_stop` cancels every job and stops the daemons by
# PID. The configuration is the one the Slurm tests are written against: 32 CPUs on one node
# (so 32 short jobs run at once on 2 real cores), MaxArraySize=101 (arrays chunk at 101 tasks),
# KillWait=5, and the licences vcs:1 and xcelium:2.

SLURM_CTLD_PID=
SLURM_SLURMD_PID=
SLURM_MUNGED_STARTED=

# Alive and not a zombie (a killed child stays a zombie until this shell waits for it).
slurm_alive() {
  [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"
}

slurm_start() {
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
  fi
  install -d -o munge -g munge -m 0755 /run/munge
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    su -s /bin/sh munge -c /usr/sbin/munged
    SLURM_MUNGED_STARTED=1
  fi
  munge -n | unmunge | grep -q 'STATUS: *Success'
  # Fresh state: job ids and drain reasons persist otherwise.
  rm -rf /var/spool/slurmctld /var/spool/slurmd
  install -d -o slurm -g slurm /var/spool/slurmctld /var/log/slurm
  install -d /var/spool/slurmd
  local mem
  mem=$(free -m | awk '/^Mem:/{print $2}')
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=gatorci
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
KillWait=5
MinJobAge=300
MaxArraySize=101
Licenses=vcs:1,xcelium:2
SlurmdParameters=config_overrides
NodeName=localhost CPUs=32 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  # -D keeps them in the foreground of this shell, which reaps them (no zombies after kill).
  /usr/sbin/slurmctld -D >/var/log/slurm/slurmctld.stderr 2>&1 &
  SLURM_CTLD_PID=$!
  /usr/sbin/slurmd -D >/var/log/slurm/slurmd.stderr 2>&1 &
  SLURM_SLURMD_PID=$!
  local i
  for i in $(seq 300); do
    sinfo -h -o %T 2>/dev/null | grep -qx idle && break
    sleep 0.2
  done
  sinfo -h -o %T | grep -qx idle
  export GATOR_TEST_SLURM=1
}

slurm_stop() {
  [ -n "$SLURM_CTLD_PID" ] || return 0
  scancel -u root 2>/dev/null || true
  local i
  for i in $(seq 150); do
    [ -z "$(squeue -h 2>/dev/null)" ] && break
    sleep 0.2
  done
  kill "$SLURM_SLURMD_PID" "$SLURM_CTLD_PID" 2>/dev/null || true
  # A daemon that cannot reach its peer may hang in shutdown: SIGKILL after 10 s.
  for i in $(seq 50); do
    slurm_alive "$SLURM_SLURMD_PID" || slurm_alive "$SLURM_CTLD_PID" || break
    sleep 0.2
  done
  kill -9 "$SLURM_SLURMD_PID" "$SLURM_CTLD_PID" 2>/dev/null || true
  wait "$SLURM_SLURMD_PID" "$SLURM_CTLD_PID" 2>/dev/null || true
  # munged only if this script started it.
  if [ -n "$SLURM_MUNGED_STARTED" ] && [ -f /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true; fi
  rm -f /run/slurmctld.pid /run/slurmd.pid
  SLURM_CTLD_PID=
}
