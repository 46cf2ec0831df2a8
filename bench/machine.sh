#!/usr/bin/env bash
# One line naming the machine, printed beside every benchmark table (bench/run_*.sh source this file):
#   machine: Intel(R) Xeon(R) Processor (GenuineIntel family 6 model 106), ISA avx512f, 2 cores, 2 threads; ...
# The CPU model, vendor, family and model from /proc/cpuinfo (a VM may hide the marketing name; family and
# model still say which generation), the widest vector ISA the kernel reports, physical cores and the
# threads (logical CPUs) this process may use, the date and the load average.
machine_line() {
    local info=/proc/cpuinfo name vendor family model isa cores
    name=$(sed -n 's/^model name[[:space:]]*: //p' $info | head -1)
    vendor=$(sed -n 's/^vendor_id[[:space:]]*: //p' $info | head -1)
    family=$(sed -n 's/^cpu family[[:space:]]*: //p' $info | head -1)
    model=$(sed -n 's/^model[[:space:]]*: //p' $info | head -1)
    isa=none
    for flag in avx512f avx2 sse4_2 asimd; do
        if grep -m1 '^\(flags\|Features\)' $info | grep -qw "$flag"; then isa=$flag; break; fi
    done
    # physical cores: distinct (physical id, core id) pairs; a VM without them counts each CPU
    cores=$(awk -F: '/^physical id/ {p=$2} /^core id/ {print p "-" $2}' $info | sort -u | wc -l)
    [ "$cores" -gt 0 ] || cores=$(grep -c '^processor' $info)
    echo "machine: ${name:-unknown CPU} ($vendor family $family model $model), ISA $isa, $cores cores, $(nproc) threads;" \
         "$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
