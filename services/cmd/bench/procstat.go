package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The processes of a run and what each costs, read from /proc: the bench's
// own process and every process it started, directly or not (the
// federation's children, PostgreSQL's backends), grouped by name.

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's times
// (100 on every Linux of the last twenty years).
const clockTicks = 100

// procUse is what a group of processes used: CPU seconds (user and system,
// with those of its children it waited for, e.g. PostgreSQL's ended
// backends) and resident memory.
type procUse struct {
	name  string
	procs int
	cpu   float64 // seconds
	rss   int64   // bytes: private resident memory of each, shared memory once
}

// procSnapshot reads every process of the bench's tree, and of those whose
// command line holds mark (PostgreSQL's postmaster, which pg_ctl starts
// apart from its caller, names its data folder), grouped by command name
// ("postgres", "gateway", ...; the bench itself is "bench").
func procSnapshot(mark string) (map[string]procUse, error) {
	self := os.Getpid()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil, err
	}
	type proc struct {
		ppid int
		name string
		cpu  float64
	}
	procs := map[int]proc{}
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		b, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid ... utime stime cutime cstime (fields 14-17)
		open, close := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || close < open {
			continue
		}
		f := strings.Fields(string(b[close+1:]))
		if len(f) < 15 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		var ticks float64
		for _, i := range []int{11, 12, 13, 14} {
			v, _ := strconv.ParseFloat(f[i], 64)
			ticks += v
		}
		procs[pid] = proc{ppid: ppid, name: string(b[open+1 : close]), cpu: ticks / clockTicks}
	}
	marked := func(pid int) bool {
		if mark == "" || procs[pid].name != "postgres" {
			return false
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		return err == nil && bytes.Contains(b, []byte(mark))
	}
	inTree := func(pid int) bool {
		for i := 0; pid > 1 && i < 64; i++ {
			if pid == self || marked(pid) {
				return true
			}
			pid = procs[pid].ppid
		}
		return false
	}
	out := map[string]procUse{}
	shmem := map[string]int64{}
	for pid, p := range procs {
		if !inTree(pid) {
			continue
		}
		name := p.name
		if pid == self {
			name = "bench"
		}
		anon, file, shm := memOf(pid)
		u := out[name]
		u.name = name
		u.procs++
		u.cpu += p.cpu
		u.rss += anon + file
		out[name] = u
		shmem[name] = max(shmem[name], shm)
	}
	for name, u := range out {
		u.rss += shmem[name]
		out[name] = u
	}
	return out, nil
}

// memOf reads a process's resident memory: anonymous, file-backed and
// shared (kB in /proc/<pid>/status), in bytes.
func memOf(pid int) (anon, file, shmem int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "RssAnon":
			anon = kb << 10
		case "RssFile":
			file = kb << 10
		case "RssShmem":
			shmem = kb << 10
		}
	}
	return anon, file, shmem
}

// procDelta is each group's CPU seconds between two snapshots and its
// memory at the second, largest CPU first.
func procDelta(before, after map[string]procUse) []procUse {
	var out []procUse
	for name, a := range after {
		a.cpu -= before[name].cpu
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].cpu != out[j].cpu {
			return out[i].cpu > out[j].cpu
		}
		return out[i].name < out[j].name
	})
	return out
}
